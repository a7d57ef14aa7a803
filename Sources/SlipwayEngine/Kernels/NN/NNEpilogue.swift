/// Epilogues fused into producing operators: a per-column bias added to every row of a row-major
/// `[rows × columns]` float32 result, then an optional activation, then an optional scale factor.
///
/// Every step is the float32 operation of the operator it replaces, lane by lane (the GELU's `Erf` is the
/// same vectorised ``ElementwiseFastMath/erf(_:)-swift.type.method`` the `Erf` operator runs), so a fused
/// result is bit-identical to the unfused chain.
enum NNEpilogue {
    typealias Vector = SIMD16<Float>

    /// `y[r, j] = act(y[r, j] + bias[j]) * scale` (bias may be empty: no bias; scale nil: none).
    static func apply(_ y: inout [Float], columns: Int, bias: [Float], activation: NNFusedActivation?, scale: Float? = nil) throws {
        guard columns > 0, y.count % columns == 0, bias.isEmpty || bias.count == columns else {
            throw EngineError.runtime("epilogue: \(y.count) values are not rows of \(columns) (bias \(bias.count))")
        }
        let rows = y.count / columns
        // One loop per (activation, scale) combination, so that no per-vector test is left in the loop.
        switch (activation, scale) {
        case (nil, nil): apply(&y, rows: rows, columns: columns, bias: bias) { $0 }
        case (nil, let s?): apply(&y, rows: rows, columns: columns, bias: bias) { $0 * Vector(repeating: s) }
        case (.relu?, nil): apply(&y, rows: rows, columns: columns, bias: bias) { $0.replacing(with: 0, where: $0 .< 0) }
        case (.relu?, let s?):
            apply(&y, rows: rows, columns: columns, bias: bias) { $0.replacing(with: 0, where: $0 .< 0) * Vector(repeating: s) }
        case (.gelu(let g)?, nil): apply(&y, rows: rows, columns: columns, bias: bias) { gelu($0, g) }
        case (.gelu(let g)?, let s?): apply(&y, rows: rows, columns: columns, bias: bias) { gelu($0, g) * Vector(repeating: s) }
        }
    }

    /// `y[r, j] = finish(y[r, j] + bias[j])`, 16 columns at a time (the row tail through a local vector).
    @inline(__always)
    private static func apply(_ y: inout [Float], rows: Int, columns: Int, bias: [Float], _ finish: (Vector) -> Vector) {
        bias.withUnsafeBufferPointer { bs in
            y.withUnsafeMutableBufferPointer { ys in
                // Safe because: y holds rows × columns values and bias is empty or holds `columns` values
                // (checked by the caller); full-vector loads and stores stay below `columns` within a row and
                // the row tail goes through a local vector.
                guard let yBase = ys.baseAddress else { return }
                let b = bias.isEmpty ? nil : bs.baseAddress
                for r in 0..<rows {
                    let row = yBase + r * columns
                    var j = 0
                    while j + 16 <= columns {
                        let raw = UnsafeMutableRawPointer(row + j)
                        var v = raw.loadUnaligned(as: Vector.self)
                        if let b { v += UnsafeRawPointer(b + j).loadUnaligned(as: Vector.self) }
                        raw.storeBytes(of: finish(v), as: Vector.self)
                        j += 16
                    }
                    if j < columns {
                        var v = Vector()
                        for t in 0..<(columns - j) { v[t] = row[j + t] }
                        if let b {
                            var bv = Vector()
                            for t in 0..<(columns - j) { bv[t] = b[j + t] }
                            v += bv
                        }
                        let out = finish(v)
                        for t in 0..<(columns - j) { row[j + t] = out[t] }
                    }
                }
            }
        }
    }

    /// `((x · (erf(x / divisor) + one)) · half)`: the ONNX spelling `Div → Erf → Add → Mul(x, ·) → Mul(half)`.
    @inline(__always)
    static func gelu(_ x: Vector, _ g: NNGelu) -> Vector {
        let e = ElementwiseFastMath.erf(x / Vector(repeating: g.divisor))
        return (x * (e + Vector(repeating: g.one))) * Vector(repeating: g.half)
    }

    /// The safe reference twin of ``apply(_:columns:bias:activation:scale:)``: one element at a time (the
    /// erf of one value is taken lane 0 of the vector erf, the function the `Erf` operator runs).
    static func reference(_ y: [Float], columns: Int, bias: [Float], activation: NNFusedActivation?, scale: Float? = nil) -> [Float] {
        y.indices.map { i in
            var v = y[i] + (bias.isEmpty ? 0 : bias[i % columns])
            switch activation {
            case nil: break
            case .relu: v = v < 0 ? 0 : v
            case .gelu(let g):
                let e = ElementwiseFastMath.erf(Vector(repeating: v / g.divisor))[0]
                v = (v * (e + g.one)) * g.half
            }
            if let scale { v *= scale }
            return v
        }
    }
}

/// The constants of a GELU written as `0.5 · x · (1 + erf(x / √2))` (kept as the model spells them).
struct NNGelu: Sendable, Equatable {
    var divisor: Float
    var one: Float
    var half: Float
}

/// An activation run inside the operator that produces its input (see the fusion pass).
enum NNFusedActivation: Sendable, Equatable {
    case relu
    case gelu(NNGelu)
}
