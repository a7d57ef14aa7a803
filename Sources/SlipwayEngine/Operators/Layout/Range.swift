import SlipwayTensor

/// ONNX `Range`: `start, start + delta, ...` while below `limit` (above it for a negative delta);
/// `max(ceil((limit - start) / delta), 0)` elements of the inputs' common numeric type.
///
/// Named `RangeOperator`, not `Range`, so it does not shadow `Swift.Range` in the engine module.
public struct RangeOperator: Operator {
    /// Refuses results larger than this many elements (a model asking for more is broken or hostile).
    static let maximumCount = 1 << 31

    public init(_ config: OperatorConfiguration) throws {}

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "start")
        try requireType(dataType, in: .numeric, "Range: input 'start'")
        for (i, name) in [(1, "limit"), (2, "delta")] {
            let t = try inputs.dataType(i, name)
            guard t == dataType else {
                throw EngineError.invalidModel("Range: input '\(name)' has type \(t), 'start' has \(dataType)")
            }
        }
        if let start = inputs[0]?.constantTensor, let limit = inputs[1]?.constantTensor, let delta = inputs[2]?.constantTensor {
            return [ValueFact(dataType, shape: [.fixed(try Self.count(start, limit, delta, code: .invalidModel))])]
        }
        return [ValueFact(dataType, shape: [.unknown])]
    }

    /// The number of elements.
    static func count(_ start: Tensor, _ limit: Tensor, _ delta: Tensor, code: EngineError.Code) throws -> Int {
        if let s = start.integers()?.first, let l = limit.integers()?.first, let d = delta.integers()?.first {
            guard d != 0 else { throw EngineError(code, "Range: delta is 0") }
            let (span, overflow) = l.subtractingReportingOverflow(s)
            guard !overflow else { throw EngineError(code, "Range: limit \(l) - start \(s) overflows") }
            let (quotient, divisionOverflow) = span.dividedReportingOverflow(by: d)
            guard !divisionOverflow else { throw EngineError(code, "Range: \(span) / \(d) overflows") }
            let n = quotient + ((span % d != 0 && (span < 0) == (d < 0)) ? 1 : 0)
            return try checked(max(n, 0), code: code)
        }
        let s = try LayoutSupport.firstDouble(start, "Range: input 'start'")
        let l = try LayoutSupport.firstDouble(limit, "Range: input 'limit'")
        let d = try LayoutSupport.firstDouble(delta, "Range: input 'delta'")
        guard d != 0, d.isFinite, s.isFinite, l.isFinite else {
            throw EngineError(code, "Range: start \(s), limit \(l) and delta \(d) must be finite with a non-zero delta")
        }
        let n = max(((l - s) / d).rounded(.up), 0)
        guard n.isFinite, n < Double(maximumCount) else { throw EngineError(code, "Range: \(n) elements is too many") }
        return try checked(max(Int(n), 0), code: code)
    }

    private static func checked(_ n: Int, code: EngineError.Code) throws -> Int {
        guard n <= maximumCount else { throw EngineError(code, "Range: \(n) elements is too many") }
        return n
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let start = try inputs.tensor(0, "start")
        let limit = try inputs.tensor(1, "limit")
        let delta = try inputs.tensor(2, "delta")
        guard start.dataType == limit.dataType, start.dataType == delta.dataType else {
            throw EngineError.invalidInput("Range: inputs have types \(start.dataType), \(limit.dataType), \(delta.dataType); they must match")
        }
        let n = try Self.count(start, limit, delta, code: .invalidInput)
        let values: TensorStorage
        switch (start.storage, delta.storage) {
        case (.int64(let s), .int64(let d)): values = .int64(Self.integers(s, d, n))
        case (.int32(let s), .int32(let d)): values = .int32(Self.integers(s, d, n))
        case (.int16(let s), .int16(let d)): values = .int16(Self.integers(s, d, n))
        case (.int8(let s), .int8(let d)): values = .int8(Self.integers(s, d, n))
        case (.uint64(let s), .uint64(let d)): values = .uint64(Self.integers(s, d, n))
        case (.uint32(let s), .uint32(let d)): values = .uint32(Self.integers(s, d, n))
        case (.uint16(let s), .uint16(let d)): values = .uint16(Self.integers(s, d, n))
        case (.uint8(let s), .uint8(let d)): values = .uint8(Self.integers(s, d, n))
        case (.float32(let s), .float32(let d)): values = .float32(Self.floats(s, d, n))
        default:
            let s = try LayoutSupport.firstDouble(start, "Range: input 'start'")
            let d = try LayoutSupport.firstDouble(delta, "Range: input 'delta'")
            let doubles = (0..<n).map { s + Double($0) * d }
            do {
                values = try Tensor.fromDoubles(doubles, shape: [n], as: start.dataType).storage
            } catch {
                throw EngineError.invalidInput("Range: \(error)")
            }
        }
        return [.tensor(Tensor(uncheckedShape: [n], storage: values))]
    }

    private static func integers<T: FixedWidthInteger>(_ start: [T], _ delta: [T], _ n: Int) -> [T] {
        guard let s = start.first, let d = delta.first else { return [] }
        return (0..<n).map { s &+ T(truncatingIfNeeded: $0) &* d }
    }

    private static func floats(_ start: [Float], _ delta: [Float], _ n: Int) -> [Float] {
        guard let s = start.first, let d = delta.first else { return [] }
        return (0..<n).map { Float(Double(s) + Double($0) * Double(d)) }
    }
}
