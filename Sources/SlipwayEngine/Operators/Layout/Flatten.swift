import SlipwayTensor

/// ONNX `Flatten`: a 2-D view `[d0 × ... × d(axis-1), d(axis) × ... × d(n-1)]` of the input.
///
/// `axis` defaults to 1; negative axes count from the end (opset 11+). No element is copied.
public struct Flatten: Operator {
    let axis: Int

    public init(_ config: OperatorConfiguration) throws {
        axis = try config.attributes.int("axis", default: 1)
        if axis < 0, config.opsetVersion < 11 {
            throw EngineError.invalidModel("Flatten-\(config.opsetVersion): negative axis \(axis) needs opset 11")
        }
    }

    func resolvedAxis(rank: Int, code: EngineError.Code) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a <= rank else {
            throw EngineError(code, "Flatten: axis \(axis) is out of range for rank \(rank)")
        }
        return a
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        guard let shape = inputs.optionalFact(0)?.shape else {
            return [ValueFact(dataType, shape: [.unknown, .unknown])]
        }
        let a = try resolvedAxis(rank: shape.count, code: .invalidModel)
        let outer = a == 0 ? Dim.fixed(1) : LayoutSupport.product(shape[..<a])
        let inner = a == shape.count ? Dim.fixed(1) : LayoutSupport.product(shape[a...])
        return [ValueFact(dataType, shape: [outer, inner])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let input = try inputs.tensor(0, "input")
        let a = try resolvedAxis(rank: input.rank, code: .invalidInput)
        let outer = input.shape[..<a].reduce(1, *)
        let inner = input.shape[a...].reduce(1, *)
        return [.tensor(Tensor(uncheckedShape: [outer, inner], storage: input.storage))]
    }
}
