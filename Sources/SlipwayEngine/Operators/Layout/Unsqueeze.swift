import SlipwayTensor

/// ONNX `Unsqueeze`: inserts size-1 dimensions at `axes` (positions in the output; an attribute before
/// opset 13, an input from 13). No element is copied.
public struct Unsqueeze: Operator {
    let attributeAxes: [Int]?

    public init(_ config: OperatorConfiguration) throws {
        if config.opsetVersion < 13 {
            guard let axes = try config.attributes.ints("axes") else {
                throw EngineError.invalidModel("Unsqueeze-\(config.opsetVersion): attribute 'axes' is required")
            }
            attributeAxes = axes
        } else {
            attributeAxes = nil
        }
    }

    /// The output shape: `shape` with 1s inserted at the normalised `axes`.
    static func insert<D>(_ shape: [D], axes: [Int], one: D, code: EngineError.Code) throws -> [D] {
        let rank = shape.count + axes.count
        let normalized = Set(try LayoutSupport.normalizeAxes(axes, rank: rank, op: "Unsqueeze", code: code))
        var result: [D] = []
        var next = shape.makeIterator()
        for i in 0..<rank {
            if normalized.contains(i) {
                result.append(one)
            } else if let d = next.next() {
                result.append(d)
            }
        }
        return result
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        let axes: [Int]
        if let attributeAxes {
            axes = attributeAxes
        } else {
            _ = try inputs.fact(1, "axes")
            try LayoutSupport.requireIndexType(inputs, 1, "axes", op: "Unsqueeze")
            guard let constant = LayoutSupport.constantIntegers(inputs.optionalFact(1)) else {
                if let rank = inputs.optionalFact(0)?.rank, let axesShape = inputs.optionalFact(1)?.shape, axesShape.count <= 1 {
                    let n = axesShape.first?.value ?? (axesShape.isEmpty ? 1 : nil)
                    if let n { return [ValueFact(dataType, shape: Array(repeating: .unknown, count: rank + n))] }
                }
                return [ValueFact(dataType, shape: nil)]
            }
            axes = constant
        }
        guard let shape = inputs.optionalFact(0)?.shape else { return [ValueFact(dataType, shape: nil)] }
        return [ValueFact(dataType, shape: try Self.insert(shape, axes: axes, one: Dim.fixed(1), code: .invalidModel))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let axes = try attributeAxes ?? LayoutSupport.integers(try inputs.tensor(1, "axes"), "Unsqueeze: input 'axes'")
        let shape = try Self.insert(data.shape, axes: axes, one: 1, code: .invalidInput)
        return [.tensor(Tensor(uncheckedShape: shape, storage: data.storage))]
    }
}
