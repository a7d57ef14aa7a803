import SlipwayTensor

/// ONNX `Squeeze`: removes size-1 dimensions: the listed `axes` (an attribute before opset 13, an
/// optional input from 13), or every size-1 dimension when no (or empty) axes are given. No element is copied.
public struct Squeeze: Operator {
    let attributeAxes: [Int]?
    let axesFromInput: Bool

    public init(_ config: OperatorConfiguration) throws {
        if config.opsetVersion < 13 {
            attributeAxes = try config.attributes.ints("axes")
            axesFromInput = false
        } else {
            attributeAxes = nil
            axesFromInput = true
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        let axes: [Int]?
        if axesFromInput, let axesFact = inputs.optionalFact(1) {
            try LayoutSupport.requireIndexType(inputs, 1, "axes", op: "Squeeze")
            guard let constant = LayoutSupport.constantIntegers(axesFact) else {
                // Unknown axes: the rank is unknown unless the number of axes is.
                if let rank = inputs.optionalFact(0)?.rank, let n = axesFact.shape?.first?.value, axesFact.rank == 1, n > 0 {
                    return [ValueFact(dataType, shape: Array(repeating: .unknown, count: max(rank - n, 0)))]
                }
                return [ValueFact(dataType, shape: nil)]
            }
            // An empty axes tensor means "every size-1 dimension", as when it is omitted.
            axes = constant.isEmpty ? nil : constant
        } else {
            axes = attributeAxes
        }
        guard let shape = inputs.optionalFact(0)?.shape else { return [ValueFact(dataType, shape: nil)] }
        guard let axes else {
            // Squeeze every size-1 dim: only known when no dimension is unknown.
            if shape.contains(where: { $0.value == nil }) { return [ValueFact(dataType, shape: nil)] }
            return [ValueFact(dataType, shape: shape.filter { $0 != .fixed(1) })]
        }
        let normalized = try LayoutSupport.normalizeAxes(axes, rank: shape.count, op: "Squeeze")
        for a in normalized {
            if let v = shape[a].value, v != 1 {
                throw EngineError.invalidModel("Squeeze: dimension \(a) has size \(v), only size-1 dimensions can be squeezed")
            }
        }
        let removed = Set(normalized)
        return [ValueFact(dataType, shape: shape.indices.filter { !removed.contains($0) }.map { shape[$0] })]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        var axes = attributeAxes
        if axesFromInput, let t = try inputs.optionalTensor(1) {
            let values = try LayoutSupport.integers(t, "Squeeze: input 'axes'")
            axes = values.isEmpty ? nil : values
        }
        let shape: [Int]
        if let axes {
            let normalized = try LayoutSupport.normalizeAxes(axes, rank: data.rank, op: "Squeeze", code: .invalidInput)
            for a in normalized where data.shape[a] != 1 {
                throw EngineError.invalidInput("Squeeze: dimension \(a) of input shape \(data.shape) has size \(data.shape[a]), not 1")
            }
            let removed = Set(normalized)
            shape = data.shape.indices.filter { !removed.contains($0) }.map { data.shape[$0] }
        } else {
            shape = data.shape.filter { $0 != 1 }
        }
        return [.tensor(Tensor(uncheckedShape: shape, storage: data.storage))]
    }
}
