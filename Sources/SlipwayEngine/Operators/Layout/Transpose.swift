import SlipwayTensor

/// ONNX `Transpose`: permutes the axes: output axis `i` is input axis `perm[i]` (default: reversed).
///
/// Runs through ``LayoutStridedCopy``: contiguous inner runs are block-copied, batched 2-D
/// transposes are tiled.
public struct Transpose: Operator {
    let perm: [Int]?

    public init(_ config: OperatorConfiguration) throws {
        perm = try config.attributes.ints("perm")
    }

    func permutation(rank: Int, code: EngineError.Code) throws -> [Int] {
        guard let perm else { return Array((0..<rank).reversed()) }
        guard perm.count == rank, Set(perm) == Set(0..<rank) else {
            throw EngineError(code, "Transpose: perm \(perm) is not a permutation of the \(rank) axes")
        }
        return perm
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        guard let shape = inputs.optionalFact(0)?.shape else {
            return [ValueFact(dataType, shape: perm.map { Array(repeating: Dim.unknown, count: $0.count) })]
        }
        let p = try permutation(rank: shape.count, code: .invalidModel)
        return [ValueFact(dataType, shape: p.map { shape[$0] })]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let p = try permutation(rank: data.rank, code: .invalidInput)
        if p == Array(0..<data.rank) { return [.tensor(data)] }
        let strides = Shape.strides(data.shape)
        let shape = p.map { data.shape[$0] }
        return [.tensor(try LayoutStridedCopy.copy(data, offset: 0, shape: shape, strides: p.map { strides[$0] }))]
    }
}
