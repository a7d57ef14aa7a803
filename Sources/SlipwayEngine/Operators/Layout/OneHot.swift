import SlipwayTensor

/// ONNX `OneHot`: for each index, a vector of `depth` elements equal to `values[0]` (off) except
/// `values[1]` (on) at the index; the new axis goes at `axis` (default last). Negative indices count
/// from `depth` (opset 11+); indices out of range give an all-off vector.
public struct OneHot: Operator {
    let axis: Int
    let allowNegative: Bool

    public init(_ config: OperatorConfiguration) throws {
        axis = try config.attributes.int("axis", default: -1)
        allowNegative = config.opsetVersion >= 11
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let indexType = try inputs.dataType(0, "indices")
        try requireType(indexType, in: .numeric, "OneHot: input 'indices'")
        let depthType = try inputs.dataType(1, "depth")
        try requireType(depthType, in: .numeric, "OneHot: input 'depth'")
        let valuesType = try inputs.dataType(2, "values")
        guard let shape = inputs.optionalFact(0)?.shape else { return [ValueFact(valuesType, shape: nil)] }
        let a = axis < 0 ? axis + shape.count + 1 : axis
        guard a >= 0, a <= shape.count else {
            throw EngineError.invalidModel("OneHot: axis \(axis) is out of range for indices of rank \(shape.count)")
        }
        var depth = Dim.unknown
        if let d = inputs.optionalFact(1)?.constantTensor?.doubles()?.first, d >= 1, d < Double(Int32.max) { depth = .fixed(Int(d)) }
        var out = shape
        out.insert(depth, at: a)
        return [ValueFact(valuesType, shape: out)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let indicesTensor = try inputs.tensor(0, "indices")
        guard let indices = indicesTensor.doubles(), indicesTensor.dataType != .bool else {
            throw EngineError.invalidInput("OneHot: input 'indices' must be numeric, got \(indicesTensor.dataType)")
        }
        let depthValue = try LayoutSupport.firstDouble(try inputs.tensor(1, "depth"), "OneHot: input 'depth'")
        guard depthValue >= 1, depthValue < Double(Int32.max) else {
            throw EngineError.invalidInput("OneHot: depth \(depthValue) must be at least 1")
        }
        let depth = Int(depthValue)
        let values = try inputs.tensor(2, "values")
        guard values.count == 2 else {
            throw EngineError.invalidInput("OneHot: input 'values' must hold [off, on], it has \(values.count) elements")
        }
        let rank = indicesTensor.rank
        let a = axis < 0 ? axis + rank + 1 : axis
        guard a >= 0, a <= rank else {
            throw EngineError.invalidInput("OneHot: axis \(axis) is out of range for indices of rank \(rank)")
        }
        let outer = indicesTensor.shape[..<a].reduce(1, *)
        let inner = indicesTensor.shape[a...].reduce(1, *)
        guard let total = Shape.elementCount([outer, depth, inner]), total <= LayoutSupport.maximumElements else {
            throw EngineError.invalidInput("OneHot: the result of \(outer) × \(depth) × \(inner) elements is too large")
        }
        // Each output element picks values[0] or values[1]: a one-element gather per element.
        var picks = [Int](repeating: 0, count: total)
        for o in 0..<outer {
            for i in 0..<inner {
                let value = indices[o * inner + i]
                guard value.isFinite, abs(value) < Double(depth) * 2 + 1 else { continue }
                var index = Int(value.rounded(.towardZero))
                if index < 0, allowNegative { index += depth }
                if index >= 0, index < depth { picks[(o * depth + index) * inner + i] = 1 }
            }
        }
        var shape = indicesTensor.shape
        shape.insert(depth, at: a)
        let storage = try LayoutIndexKernels.gatherBlocks(values.storage, starts: picks, length: 1)
        return [.tensor(Tensor(uncheckedShape: shape, storage: storage))]
    }
}
