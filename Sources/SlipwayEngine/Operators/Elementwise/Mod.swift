import SlipwayTensor

/// ONNX `Mod`: the remainder of `A / B` with numpy broadcasting.
///
/// `fmod = 1` is C `fmod` (the result takes the dividend's sign); `fmod = 0` follows Python and numpy
/// (the result takes the divisor's sign). Integer division by zero is an input error.
public struct Mod: Operator {
    let core: ElementwiseBinaryCore
    let function: Function

    enum Function: Sendable, ElementwiseBinaryMap {
        case fmod, python

        func floats<T: ElementwiseFloat>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
            switch self {
            case .fmod: return T.wrap(try elementwiseBinary(a, b, plan) { $0.truncatingRemainder(dividingBy: $1) })
            case .python: return T.wrap(try elementwiseBinary(a, b, plan) { Function.floorMod($0, $1) })
            }
        }

        func integers<T: IntegerElement>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
            if plan.count > 0, b.contains(0) { throw EngineError.invalidInput("Mod: integer division by zero (input 'B' holds a 0)") }
            switch self {
            // The most negative value modulo -1 overflows in the quotient only; its remainder is 0.
            case .fmod: return T.wrap(try elementwiseBinary(a, b, plan) { $0.remainderReportingOverflow(dividingBy: $1).partialValue })
            case .python:
                return T.wrap(
                    try elementwiseBinary(a, b, plan) { x, y in
                        var r = x.remainderReportingOverflow(dividingBy: y).partialValue
                        if r != 0 && (r < 0) != (y < 0) { r = r &+ y }
                        return r
                    })
            }
        }

        /// numpy's float remainder: fmod, moved into the divisor's sign; a zero result takes the divisor's sign.
        static func floorMod<T: ElementwiseFloat>(_ a: T, _ b: T) -> T {
            var m = a.truncatingRemainder(dividingBy: b)
            if b == 0 { return m }
            if m != 0 {
                if (b < 0) != (m < 0) { m += b }
            } else {
                m = b < 0 ? -0.0 : 0.0
            }
            return m
        }
    }

    public init(_ config: OperatorConfiguration) throws {
        core = try ElementwiseBinaryCore(config)
        switch try config.attributes.int("fmod", default: 0) {
        case 0: function = .python
        case 1: function = .fmod
        case let other: throw EngineError.invalidModel("Mod: attribute 'fmod' must be 0 or 1, got \(other)")
        }
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let (type, shape) = try core.prepare(inputs, allowed: .numeric)
        return [ValueFact(type, shape: shape)]
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        try core.run(inputs, function)
    }
}
