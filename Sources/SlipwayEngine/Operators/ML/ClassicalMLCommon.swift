import RealModule
import SlipwayTensor

// Shared pieces of the ai.onnx.ml operators, following onnxruntime's `ml_common.h` so the numbers match
// onnxruntime's CPU kernels (the reference for these operators): the score transforms, libsvm's pairwise
// coupling, and how a batch of rows is read from a rank-1 or rank-2 input.

/// The `post_transform` of the classical-ML operators.
enum MLPostTransform: Sendable, Equatable {
    case none, logistic, softmax, softmaxZero, probit

    /// Parses the string form of opsets 1-4 (`NONE`, `LOGISTIC`, ...).
    init(name: String, op: String) throws {
        switch name {
        case "NONE": self = .none
        case "LOGISTIC": self = .logistic
        case "SOFTMAX": self = .softmax
        case "SOFTMAX_ZERO": self = .softmaxZero
        case "PROBIT": self = .probit
        default:
            throw EngineError.invalidModel(
                "\(op): attribute 'post_transform' is '\(name)', expected NONE, LOGISTIC, SOFTMAX, SOFTMAX_ZERO or PROBIT")
        }
    }

    /// Parses the integer form of `TreeEnsemble` (ai.onnx.ml 5).
    ///
    /// onnxruntime converts the integer through its own enum (NONE 0, LOGISTIC 1, SOFTMAX 2,
    /// SOFTMAX_ZERO 3, PROBIT 4); the ONNX text lists SOFTMAX as 1 and LOGISTIC as 2. onnxruntime is the
    /// reference here, so 1 is LOGISTIC and 2 is SOFTMAX.
    init(code: Int, op: String) throws {
        switch code {
        case 0: self = .none
        case 1: self = .logistic
        case 2: self = .softmax
        case 3: self = .softmaxZero
        case 4: self = .probit
        default: throw EngineError.invalidModel("\(op): attribute 'post_transform' is \(code), expected 0 to 4")
        }
    }
}

/// onnxruntime's score functions (float arithmetic, same formulas).
enum MLMath {
    /// `1 / (1 + exp(-|x|))`, mirrored for negative x.
    @inline(__always)
    static func logistic(_ x: Float) -> Float {
        let v = 1 / (1 + Float.exp(-abs(x)))
        return x < 0 ? 1 - v : v
    }

    /// The approximate inverse error function onnxruntime uses for PROBIT.
    @inline(__always)
    static func erfInv(_ value: Float) -> Float {
        let sign: Float = value < 0 ? -1 : 1
        let x = (1 - value) * (1 + value)
        let lg = Float.log(x)
        let v = 2 / (Float.pi * 0.147) + 0.5 * lg
        let v2 = 1 / Float(0.147) * lg
        let v3 = -v + Float.sqrt(v * v - v2)
        return sign * Float.sqrt(v3)
    }

    @inline(__always)
    static func probit(_ x: Float) -> Float { Float(2).squareRoot() * erfInv(2 * x - 1) }

    /// libsvm's pairwise-coupled probability of one classifier score.
    @inline(__always)
    static func sigmoidProbability(_ score: Float, _ a: Float, _ b: Float) -> Float {
        1 - logistic(score * a + b)
    }

    /// Softmax in place over `values[range]`, in float as onnxruntime does.
    static func softmax(_ values: inout [Float], _ range: Range<Int>) {
        var maxValue = -Float.greatestFiniteMagnitude
        for i in range where values[i] > maxValue { maxValue = values[i] }
        var sum: Float = 0
        for i in range {
            values[i] = Float.exp(values[i] - maxValue)
            sum += values[i]
        }
        for i in range { values[i] /= sum }
    }

    /// Softmax that leaves (near-)zero scores at zero (scaled by exp(-max)), as onnxruntime's SOFTMAX_ZERO.
    static func softmaxZero(_ values: inout [Float], _ range: Range<Int>) {
        var maxValue = -Float.greatestFiniteMagnitude
        for i in range where values[i] > maxValue { maxValue = values[i] }
        let expNegMax = Float.exp(-maxValue)
        var sum: Float = 0
        for i in range {
            let v = values[i]
            if v > 0.0000001 || v < -0.0000001 {
                values[i] = Float.exp(v - maxValue)
                sum += values[i]
            } else {
                values[i] = v * expNegMax
            }
        }
        for i in range { values[i] /= sum }
    }

    /// Applies a transform to a group of two or more scores (`write_scores` for `scores.size() >= 2`).
    static func transformGroup(_ values: inout [Float], _ range: Range<Int>, _ transform: MLPostTransform) {
        switch transform {
        case .none: break
        case .logistic: for i in range { values[i] = logistic(values[i]) }
        case .probit: for i in range { values[i] = probit(values[i]) }
        case .softmax: softmax(&values, range)
        case .softmaxZero: softmaxZero(&values, range)
        }
    }

    /// onnxruntime's `batched_update_scores_inplace` for one row of `range.count` scores with no second
    /// class to add: a single score only goes through PROBIT.
    static func transformRow(_ values: inout [Float], _ range: Range<Int>, _ transform: MLPostTransform) {
        if range.count > 1 {
            transformGroup(&values, range, transform)
        } else if transform == .probit {
            for i in range { values[i] = probit(values[i]) }
        }
    }

    /// Expands one binary score into two columns the way onnxruntime's `add_second_class` codes do:
    /// 0 and 1 give `[1 - s, s]`; 2 and 3 give `[logistic(-s), logistic(s)]` under LOGISTIC, else `[-s, s]`.
    @inline(__always)
    static func secondClass(_ score: Float, code: Int, transform: MLPostTransform) -> (Float, Float) {
        switch code {
        case 0, 1: return (1 - score, score)
        default:
            if transform == .logistic { return (logistic(-score), logistic(score)) }
            return (-score, score)
        }
    }

    /// libsvm's multi-class probability from pairwise probabilities `r` (class count squared, row-major),
    /// written into `p[pOffset ..< pOffset + k]`; float arithmetic as in onnxruntime.
    static func multiclassProbability(_ k: Int, _ r: [Float], _ p: inout [Float], _ pOffset: Int) {
        var q = [Float](repeating: 0, count: k * k)
        var qp = [Float](repeating: 0, count: k)
        multiclassProbability(k, r, &p, pOffset, q: &q, qp: &qp)
    }

    /// The same with caller-provided scratch (`q`: k·k values, `qp`: k), so a loop over rows allocates once.
    static func multiclassProbability(_ k: Int, _ r: [Float], _ p: inout [Float], _ pOffset: Int, q: inout [Float], qp: inout [Float]) {
        if q.count != k * k { q = [Float](repeating: 0, count: k * k) } else { for i in q.indices { q[i] = 0 } }
        if qp.count != k { qp = [Float](repeating: 0, count: k) }
        let eps = 0.005 / Float(k)
        for i in 0..<k {
            p[pOffset + i] = 1 / Float(k)
            for j in 0..<i {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = q[j * k + i]
            }
            for j in (i + 1)..<max(k, i + 1) {
                q[i * k + i] += r[j * k + i] * r[j * k + i]
                q[i * k + j] = -r[j * k + i] * r[i * k + j]
            }
        }
        for _ in 0..<100 {
            var pQp: Float = 0
            for i in 0..<k {
                qp[i] = 0
                for j in 0..<k { qp[i] += q[i * k + j] * p[pOffset + j] }
                pQp += p[pOffset + i] * qp[i]
            }
            var maxError: Float = 0
            for i in 0..<k {
                let error = abs(qp[i] - pQp)
                if error > maxError { maxError = error }
            }
            if maxError < eps { break }
            for i in 0..<k {
                let diff = (-qp[i] + pQp) / q[i * k + i]
                p[pOffset + i] += diff
                pQp = (pQp + diff * (diff * q[i * k + i] + 2 * qp[i])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[i * k + j]) / (1 + diff)
                    p[pOffset + j] /= (1 + diff)
                }
            }
        }
    }
}

/// How a classical-ML operator reads its input: a rank-1 tensor is one row, a rank-2 tensor is `[rows, features]`.
struct MLRows: Sendable {
    var rows: Int
    var features: Int

    /// Rows and features of `shape`; throws for scalars and ranks above 2.
    init(_ shape: [Int], op: String) throws {
        switch shape.count {
        case 1:
            rows = 1
            features = shape[0]
        case 2:
            rows = shape[0]
            features = shape[1]
        default:
            throw EngineError.invalidInput("\(op): input X must have rank 1 or 2, got shape \(shape)")
        }
    }

    /// Rows `range` of a row-major `[rows, features]` matrix, and their geometry (no copy for all rows).
    func slice<T>(_ x: [T], _ range: Range<Int>) -> ([T], MLRows) {
        var g = self
        g.rows = range.count
        if range.count == rows { return (x, g) }
        return (Array(x[(range.lowerBound * features)..<(range.upperBound * features)]), g)
    }

    /// The symbolic row count of an input fact (1 for rank 1), or nil when the rank is not 1 or 2.
    static func rowDim(_ shape: [Dim]?) -> Dim {
        guard let shape else { return .unknown }
        if shape.count == 1 { return .fixed(1) }
        if shape.count == 2 { return shape[0] }
        return .unknown
    }

    /// The symbolic feature count of an input fact.
    static func featureDim(_ shape: [Dim]?) -> Dim {
        guard let shape, let last = shape.last, shape.count <= 2 else { return .unknown }
        return last
    }

    /// Rejects an input fact whose rank is known and is not 1 or 2.
    static func checkRank(_ fact: ValueFact, op: String) throws {
        if let rank = fact.rank, rank != 1, rank != 2 {
            throw EngineError.invalidModel("\(op): input X must have rank 1 or 2, got rank \(rank)")
        }
    }
}

/// Element conversions shared by the ML operators.
enum MLConvert {
    /// The tensor's elements as `Float` (how onnxruntime feeds non-float inputs to its float kernels).
    static func floats(_ t: Tensor, op: String) throws -> [Float] {
        switch t.storage {
        case .float32(let a): return a
        case .float64(let a): return a.map { Float($0) }
        case .int64(let a): return a.map { Float($0) }
        case .int32(let a): return a.map { Float($0) }
        case .float16(let a): return a.map { Float($0) }
        default: throw EngineError.invalidInput("\(op): input X has unsupported type \(t.dataType)")
        }
    }

    /// Exact conversion of a double to Int64, or nil when it is NaN, infinite or out of range
    /// (onnxruntime's `static_cast<int64_t>` truncates; these cases are undefined in C++).
    @inline(__always)
    static func int64(truncating value: Double) -> Int64? {
        guard value.isFinite, value >= -9.223372036854775808e18, value < 9.223372036854775808e18 else { return nil }
        return Int64(value)
    }
}

/// Attribute readers for the ML operators: float lists that may also come as `*_as_tensor` tensors.
extension Attributes {
    /// The values of attribute `name` (floats) or `name_as_tensor` (a float or double tensor), as doubles;
    /// nil when neither is present. Throws when both are.
    func mlValues(_ name: String, op: String) throws -> [Double]? {
        let plain = try floats(name)
        let tensor = try self.tensor(name + "_as_tensor")
        if let plain, let tensor, !plain.isEmpty, tensor.count > 0 {
            throw EngineError.invalidModel("\(op): attributes '\(name)' and '\(name)_as_tensor' cannot both be set")
        }
        if let tensor, tensor.count > 0 {
            guard tensor.dataType.isFloatingPoint, let values = tensor.doubles() else {
                throw EngineError.invalidModel("\(op): attribute '\(name)_as_tensor' must be a float or double tensor, got \(tensor.dataType)")
            }
            return values
        }
        return plain.map { $0.map(Double.init) }
    }

    /// A required string-list-or-enum attribute value with a default.
    func mlString(_ name: String, default value: String) throws -> String {
        try string(name) ?? value
    }
}
