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

    /// `out[r * m + v]` = kernel(row r of x, vector v) for `rows` rows of `k` features and `m` vectors given
    /// transposed (`vectorsT[j * m + v]`, see ``MLSVMKernels/transpose(_:m:k:)``); `linearBias` is the
    /// constant the LINEAR kernel adds (rho[0] in the liblinear modes, else 0).
    func apply(x: [Float], rows: Int, vectorsT: [Float], m: Int, k: Int, linearBias: Float) -> [Float] {
        if kind == .rbf {
            var out = MLSVMKernels.squaredDistances(x: x, rows: rows, k: k, vectorsT: vectorsT, m: m)
            for i in out.indices { out[i] = -gamma * out[i] }
            // The vectorised exp (relative error ~2e-7; arguments above 88 take the scalar function).
            ElementwiseFastMath.apply(&out, ElementwiseFastMath.exp)
            return out
        }
        var out = MLSVMKernels.dots(x: x, rows: rows, k: k, vectorsT: vectorsT, m: m)
        switch kind {
        case .linear:
            for i in out.indices { out[i] = out[i] + linearBias }
        case .poly:
            for i in out.indices {
                let base = gamma * out[i] + coef0
                if degree == 2 {
                    out[i] = base * base
                } else if degree == 3 {
                    out[i] = base * base * base
                } else {
                    out[i] = Float.pow(base, degree)
                }
            }
        case .sigmoid:
            for i in out.indices { out[i] = Float.tanh(gamma * out[i] + coef0) }
        case .rbf: break
        }
        return out
    }
}
