import SlipwayTensor

/// ONNX-ML `CastMap`: a map from int64 to string or float turned into a `[1, K]` tensor (float, int64 or
/// string per `cast_to`). DENSE takes the map's values in key order; SPARSE writes value `k` at column `k`
/// for `k < max_map` and pads the rest (0, or "0.f" for strings, as onnxruntime does).
public struct CastMap: Operator {
    enum Target { case float, string, int64 }
    let target: Target
    let sparse: Bool
    let maxMap: Int

    static let op = "CastMap"

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        switch try a.mlString("cast_to", default: "TO_FLOAT") {
        case "TO_FLOAT": target = .float
        case "TO_STRING": target = .string
        case "TO_INT64": target = .int64
        case let other: throw EngineError.invalidModel("\(Self.op): 'cast_to' is '\(other)', expected TO_FLOAT, TO_STRING or TO_INT64")
        }
        switch try a.mlString("map_form", default: "DENSE") {
        case "DENSE": sparse = false
        case "SPARSE": sparse = true
        case let other: throw EngineError.invalidModel("\(Self.op): 'map_form' is '\(other)', expected DENSE or SPARSE")
        }
        maxMap = try a.int("max_map", default: 1)
        guard maxMap >= 0 else { throw EngineError.invalidModel("\(Self.op): 'max_map' must not be negative") }
    }

    var outputType: DataType {
        switch target {
        case .float: .float32
        case .string: .string
        case .int64: .int64
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        guard case .map(.int64, let value) = x.type, let v = value.tensorDataType, v == .string || v == .float32 else {
            throw EngineError.invalidModel("\(Self.op): input X must be map(int64, string) or map(int64, float), got \(x.type)")
        }
        return [ValueFact(outputType, shape: [.fixed(1), sparse ? .fixed(maxMap) : .unknown])]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        guard inputs.count > 0, case .map(let map)? = inputs[0], case .int64(let keys) = map.keys else {
            throw EngineError.invalidInput("\(Self.op): input X must be a map with int64 keys")
        }
        // std::map order: ascending keys, a repeated key keeping its last value.
        var last: [Int64: Int] = [:]
        for (i, k) in keys.enumerated() { last[k] = i }
        let sortedKeys = last.keys.sorted()
        var floats: [Float] = []
        var strings: [String] = []
        switch map.values.storage {
        case .float32(let a): floats = a
        case .string(let a): strings = a
        default: throw EngineError.invalidInput("\(Self.op): map values must be float or string, got \(map.values.dataType)")
        }
        let isFloat = strings.isEmpty && !floats.isEmpty || map.values.dataType == .float32
        func float(_ i: Int) throws -> Float {
            if isFloat { return floats[i] }
            guard let v = Float(strings[i].trimmingLeadingSpaces) else {
                throw EngineError.invalidInput("\(Self.op): map value '\(strings[i])' is not a number")
            }
            return v
        }
        func int64(_ i: Int) throws -> Int64 {
            if isFloat {
                guard let v = MLConvert.int64(truncating: Double(floats[i])) else {
                    throw EngineError.invalidInput("\(Self.op): map value \(floats[i]) does not fit int64")
                }
                return v
            }
            guard let v = Int64(strings[i].trimmingLeadingSpaces) else {
                throw EngineError.invalidInput("\(Self.op): map value '\(strings[i])' is not an integer")
            }
            return v
        }
        func string(_ i: Int) -> String { isFloat ? MLFormat.fixed6(Double(floats[i])) : strings[i] }
        // Which map entry fills each column (-1: padding).
        var source: [Int] = []
        if sparse {
            if let first = sortedKeys.first, first < 0 {
                throw EngineError.invalidInput("\(Self.op): negative key \(first) in a SPARSE map")
            }
            source = [Int](repeating: -1, count: maxMap)
            for k in sortedKeys where k < Int64(maxMap) { source[Int(k)] = last[k] ?? -1 }
        } else {
            source = sortedKeys.map { last[$0] ?? -1 }
        }
        let shape = [1, source.count]
        switch target {
        case .float:
            return [.tensor(Tensor(uncheckedShape: shape, storage: .float32(try source.map { $0 < 0 ? 0 : try float($0) })))]
        case .int64:
            return [.tensor(Tensor(uncheckedShape: shape, storage: .int64(try source.map { $0 < 0 ? 0 : try int64($0) })))]
        case .string:
            return [.tensor(Tensor(uncheckedShape: shape, storage: .string(source.map { $0 < 0 ? "0.f" : string($0) })))]
        }
    }
}

extension String {
    fileprivate var trimmingLeadingSpaces: Substring { drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" }) }
}

/// C's `%f` (six decimals) without Foundation, for CastMap's float-to-string (`std::to_string`).
enum MLFormat {
    static func fixed6(_ value: Double) -> String {
        if value.isNaN { return value.sign == .minus ? "-nan" : "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let negative = value.sign == .minus
        let magnitude = abs(value)
        // Exact decimal digits of magnitude * 10^6, rounded half to even: build the exact binary value in
        // base 10^9 limbs (value = significand * 2^exponent), scale by 10^6, then round.
        let significand: UInt64 = magnitude == 0 ? 0 : magnitude.significandBitPattern | (magnitude.isNormal ? 1 << 52 : 0)
        let shift = magnitude == 0 ? 0 : (magnitude.isNormal ? Int(magnitude.exponent) - Double.significandBitCount : -1074)
        // limbs: little-endian base 1e9 of significand * 10^6 (then multiply/divide by 2^shift).
        var limbs: [UInt64] = []
        var s = significand
        while s > 0 {
            limbs.append(s % 1_000_000_000)
            s /= 1_000_000_000
        }
        func multiply(_ m: UInt64) {
            var carry: UInt64 = 0
            for i in limbs.indices {
                let v = limbs[i] * m + carry
                limbs[i] = v % 1_000_000_000
                carry = v / 1_000_000_000
            }
            while carry > 0 {
                limbs.append(carry % 1_000_000_000)
                carry /= 1_000_000_000
            }
        }
        multiply(1_000_000)
        // The discarded binary fraction: its top bit, and whether any lower bit is set.
        var topBit = false
        var lowerBits = false
        if shift > 0 {
            for _ in 0..<shift { multiply(2) }
        } else if shift < 0 {
            for step in 0..<(-shift) {
                var rem: UInt64 = 0
                for i in stride(from: limbs.count - 1, through: 0, by: -1) {
                    let v = limbs[i] + rem * 1_000_000_000
                    limbs[i] = v / 2
                    rem = v % 2
                }
                while let top = limbs.last, top == 0 { limbs.removeLast() }
                if step == -shift - 1 { topBit = rem == 1 } else if rem == 1 { lowerBits = true }
            }
        }
        let odd = (limbs.first ?? 0) % 2 == 1
        if topBit && (lowerBits || odd) {
            limbs.append(0)
            var i = 0
            limbs[0] += 1
            while limbs[i] >= 1_000_000_000 {
                limbs[i] -= 1_000_000_000
                limbs[i + 1] += 1
                i += 1
            }
            while let top = limbs.last, top == 0 { limbs.removeLast() }
        }
        var digits = ""
        for (i, limb) in limbs.reversed().enumerated() {
            let text = String(limb)
            digits += i == 0 ? text : String(repeating: "0", count: 9 - text.count) + text
        }
        if digits.count < 7 { digits = String(repeating: "0", count: 7 - digits.count) + digits }
        let integerPart = digits.dropLast(6)
        let fraction = digits.suffix(6)
        return (negative ? "-" : "") + integerPart + "." + fraction
    }
}
