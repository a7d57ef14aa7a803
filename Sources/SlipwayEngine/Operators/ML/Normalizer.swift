import RealModule
import SlipwayTensor

/// ONNX-ML `Normalizer`: each row divided by its MAX (largest value), L1 (sum of absolute values) or L2 norm,
/// as float32; a row whose norm is 0 is copied unchanged. Same float32 arithmetic as onnxruntime.
public struct Normalizer: Operator {
    enum Norm { case max, l1, l2 }
    let norm: Norm

    static let op = "Normalizer"

    public init(_ config: OperatorConfiguration) throws {
        switch try config.attributes.mlString("norm", default: "MAX") {
        case "MAX": norm = .max
        case "L1": norm = .l1
        case "L2": norm = .l2
        case let other: throw EngineError.invalidModel("\(Self.op): attribute 'norm' is '\(other)', expected MAX, L1 or L2")
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        try requireType(try inputs.dataType(0, "X"), in: [.float32, .float64, .int64, .int32], "\(Self.op) input X")
        try MLRows.checkRank(x, op: Self.op)
        return [ValueFact(.float32, shape: x.shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let g = try MLRows(x.shape, op: Self.op)
        let n = g.features
        // Squares are taken in the input type (x * x), then converted, as onnxruntime does for L2.
        let values: [Float]
        var squares: [Float]? = nil
        switch x.storage {
        case .float32(let a):
            values = a
            if norm == .l2 { squares = a.map { $0 * $0 } }
        case .float64(let a):
            values = a.map { Float($0) }
            if norm == .l2 { squares = a.map { Float($0 * $0) } }
        case .int64(let a):
            values = a.map { Float($0) }
            if norm == .l2 { squares = a.map { Float($0.multipliedReportingOverflow(by: $0).partialValue) } }
        case .int32(let a):
            values = a.map { Float($0) }
            if norm == .l2 { squares = a.map { Float($0.multipliedReportingOverflow(by: $0).partialValue) } }
        default:
            throw EngineError.invalidInput("\(Self.op): input X has unsupported type \(x.dataType)")
        }
        var out = values
        for r in 0..<g.rows {
            let range = (r * n)..<(r * n + n)
            switch norm {
            case .max:
                var m = -Float.greatestFiniteMagnitude
                for i in range { m = Swift.max(m, values[i]) }
                if m != 0 { for i in range { out[i] = values[i] / m } }
            case .l1:
                var sum: Float = 0
                for i in range { sum += abs(values[i]) }
                if sum != 0 { for i in range { out[i] = values[i] / sum } }
            case .l2:
                guard let sq = squares else { break }
                var sum: Float = 0
                for i in range { sum += sq[i] }
                if sum != 0 {
                    for i in range {
                        let v = Float.sqrt(sq[i] / sum)
                        out[i] = values[i] < 0 ? -v : v
                    }
                }
            }
        }
        return [.tensor(Tensor(uncheckedShape: x.shape, storage: .float32(out)))]
    }
}
