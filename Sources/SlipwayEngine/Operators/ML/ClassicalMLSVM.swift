import RealModule
import SlipwayTensor

/// The kernel functions of SVMClassifier and SVMRegressor, as onnxruntime's `SVMCommon::batched_kernel_dot`
/// computes them in float32: LINEAR `x·v + c`, POLY `(γ x·v + coef0)^degree`, RBF `exp(-γ |x - v|²)`,
/// SIGMOID `tanh(γ x·v + coef0)`.
struct MLSVMKernel: Sendable {
    enum Kind: Sendable { case linear, poly, rbf, sigmoid }
    var kind: Kind
    var gamma: Float = 0
    var coef0: Float = 0
    var degree: Float = 0

    init(_ a: Attributes, op: String) throws {
        switch try a.mlString("kernel_type", default: "LINEAR") {
        case "LINEAR": kind = .linear
        case "POLY": kind = .poly
        case "RBF": kind = .rbf
        case "SIGMOID": kind = .sigmoid
        case let other: throw EngineError.invalidModel("\(op): attribute 'kernel_type' is '\(other)', expected LINEAR, POLY, RBF or SIGMOID")
        }
        let params = try a.floats("kernel_params") ?? []
        if !params.isEmpty {
            guard params.count >= 3 else {
                throw EngineError.invalidModel("\(op): attribute 'kernel_params' must hold gamma, coef0 and degree, got \(params.count) values")
            }
            gamma = params[0]
            coef0 = params[1]
            degree = params[2]
        }
    }

    /// `out[r * m + v]` = kernel(row r of x, row v of vectors) for `rows` rows of `k` features and `m` vectors;
    /// `linearBias` is the constant the LINEAR kernel adds (rho[0] in the liblinear modes, else 0).
    func apply(x: [Float], rows: Int, vectors: [Float], m: Int, k: Int, linearBias: Float) -> [Float] {
        var out = [Float](repeating: 0, count: rows * m)
        for r in 0..<rows {
            let xr = r * k
            for v in 0..<m {
                let vr = v * k
                var result: Float
                if kind == .rbf {
                    var sum: Float = 0
                    for j in 0..<k {
                        let d = x[xr + j] - vectors[vr + j]
                        sum += d * d
                    }
                    result = Float.exp(-gamma * sum)
                } else {
                    var dot: Float = 0
                    for j in 0..<k { dot += x[xr + j] * vectors[vr + j] }
                    switch kind {
                    case .linear: result = dot + linearBias
                    case .poly:
                        let base = gamma * dot + coef0
                        if degree == 2 {
                            result = base * base
                        } else if degree == 3 {
                            result = base * base * base
                        } else {
                            result = Float.pow(base, degree)
                        }
                    case .sigmoid: result = Float.tanh(gamma * dot + coef0)
                    case .rbf: result = 0
                    }
                }
                out[r * m + v] = result
            }
        }
        return out
    }
}
