import SlipwayTensor

/// ONNX `Tile` (opset 6+): repeats the input `repeats[i]` times along each axis `i`.
///
/// A strided copy of the view `[r0, d0, r1, d1, ...]` with zero strides on the repeat axes, so each
/// inner run is one block copy.
public struct Tile: Operator {
    public init(_ config: OperatorConfiguration) throws {
        guard config.opsetVersion >= 6 else {
            throw EngineError(.unsupportedOperator, "Tile-\(config.opsetVersion) (tiles and axis inputs) is not supported; use opset 6+")
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "input")
        let repeatsType = try inputs.dataType(1, "repeats")
        try requireType(repeatsType, in: LayoutSupport.indexTypes, "Tile: input 'repeats'")
        guard let shape = inputs.optionalFact(0)?.shape else { return [ValueFact(dataType, shape: nil)] }
        guard let repeats = LayoutSupport.constantIntegers(inputs.optionalFact(1)) else {
            return [ValueFact(dataType, shape: Array(repeating: .unknown, count: shape.count))]
        }
        guard repeats.count == shape.count, repeats.allSatisfy({ $0 >= 0 }) else {
            throw EngineError.invalidModel("Tile: 'repeats' \(repeats) must hold one non-negative count per axis of the rank-\(shape.count) input")
        }
        return [
            ValueFact(
                dataType,
                shape: zip(shape, repeats).map { d, r in
                    if r == 1 { return d }
                    if r == 0 { return .fixed(0) }
                    guard let v = d.value else { return .unknown }
                    let (p, overflow) = v.multipliedReportingOverflow(by: r)
                    return overflow ? .unknown : .fixed(p)
                })
        ]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let input = try inputs.tensor(0, "input")
        let repeats = try LayoutSupport.integers(try inputs.tensor(1, "repeats"), "Tile: input 'repeats'")
        guard repeats.count == input.rank, repeats.allSatisfy({ $0 >= 0 }) else {
            throw EngineError.invalidInput("Tile: 'repeats' \(repeats) must hold one non-negative count per axis of input shape \(input.shape)")
        }
        if repeats.allSatisfy({ $0 == 1 }) { return [.tensor(input)] }
        let strides = Shape.strides(input.shape)
        var viewShape: [Int] = []
        var viewStrides: [Int] = []
        for (axis, r) in repeats.enumerated() {
            viewShape += [r, input.shape[axis]]
            viewStrides += [0, strides[axis]]
        }
        let shape = zip(input.shape, repeats).map { $0.multipliedReportingOverflow(by: $1).partialValue }
        _ = try LayoutSupport.checkedCount(viewShape, op: "Tile")
        let storage = try LayoutStridedCopy.copy(input.storage, offset: 0, shape: viewShape, strides: viewStrides)
        return [.tensor(Tensor(uncheckedShape: shape, storage: storage))]
    }
}
