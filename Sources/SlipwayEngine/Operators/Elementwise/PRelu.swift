import SlipwayTensor

/// ONNX `PRelu`: `x < 0 ? slope * x : x`, the slope broadcasting to X's shape (unidirectionally).
///
/// Before opset 7 a 1-D slope of X's channel count applies along axis 1, as in Caffe.
public struct PRelu: Operator {
    let opset: Int

    struct Function: ElementwiseBinaryMap {
        func floats<T: ElementwiseFloat>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
            T.wrap(try elementwiseBinary(a, b, plan) { $0 < 0 ? $0 * $1 : $0 })
        }
        func integers<T: IntegerElement>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
            T.wrap(try elementwiseBinary(a, b, plan) { $0 < 0 ? $0 &* $1 : $0 })
        }
    }

    static let types: Set<DataType> = Set<DataType>.floatingPoint.union([.int32, .int64, .uint32, .uint64, .int8, .int16, .uint8, .uint16])

    public init(_ config: OperatorConfiguration) throws { opset = config.opsetVersion }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let slope = try inputs.fact(1, "slope")
        let tx = try inputs.dataType(0, "X")
        try requireType(tx, in: Self.types, "PRelu input 'X'")
        try ElementwiseFacts.requireSameType([tx, try inputs.dataType(1, "slope")], names: ["X", "slope"], "PRelu")
        if let xs = x.shape, let ss = slope.shape {
            let aligned = legacyAligned(ss, rankOfX: xs.count, channels: xs.count > 1 ? xs[1] : nil, one: Dim.fixed(1))
            if let out = try ElementwiseFacts.broadcast([xs, aligned], "PRelu"), out.count != xs.count {
                throw EngineError.invalidModel("PRelu: input 'slope' of rank \(ss.count) does not broadcast to X of rank \(xs.count)")
            }
        }
        return [ValueFact(tx, shape: x.shape)]
    }

    /// Before opset 7, a 1-D slope of X's channel count is laid along axis 1.
    func legacyAligned<D: Equatable>(_ slope: [D], rankOfX rank: Int, channels: D?, one: D) -> [D] {
        guard opset < 7, slope.count == 1, rank > 2, let channels, slope[0] == channels else { return slope }
        return slope + Array(repeating: one, count: rank - 2)
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        var inputs = inputs
        let x = try inputs.elementwiseTake(0, "X")
        var slope = try inputs.elementwiseTake(1, "slope")
        let aligned = legacyAligned(slope.shape, rankOfX: x.rank, channels: x.rank > 1 ? x.shape[1] : nil, one: 1)
        if aligned != slope.shape { try slope.reshape(aligned) }
        guard Shape.broadcast(x.shape, slope.shape) == x.shape else {
            throw EngineError.invalidInput("PRelu: input 'slope' of shape \(slope.shape) does not broadcast to X's shape \(x.shape)")
        }
        return [.tensor(try Function().apply(x, slope, "PRelu"))]
    }
}
