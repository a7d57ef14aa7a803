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
        let relu = activation == .relu
        var gelu: NNGelu? = nil
        if case .gelu(let g)? = activation { gelu = g }
        // GELU's erf runs on one row at a time in this scratch, through the same buffer kernel as `Erf`.
        var scratch = [Float](repeating: 0, count: gelu == nil ? 0 : columns)
        bias.withUnsafeBufferPointer { bs in
            y.withUnsafeMutableBufferPointer { ys in
                scratch.withUnsafeMutableBufferPointer { ss in
                    // Safe because: y holds rows × columns values, bias is empty or holds `columns` values (checked
                    // above) and scratch holds `columns` values when GELU is on; every vector access stays below
                    // `columns` within a row.
                    guard let yBase = ys.baseAddress else { return }
                    let b = bias.isEmpty ? nil : bs.baseAddress
                    for r in 0..<rows {
                        let row = yBase + r * columns
                        if let b {
                            var j = 0
                            while j + 8 <= columns {
                                let raw = UnsafeMutableRawPointer(row + j)
                                var v = raw.loadUnaligned(as: SIMD8<Float>.self)
                                v += UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
                                if relu { v.replace(with: 0, where: v .< 0) }
                                raw.storeBytes(of: v, as: SIMD8<Float>.self)
                                j += 8
                            }
                            while j < columns {
                                var v = row[j] + b[j]
                                if relu && v < 0 { v = 0 }
                                row[j] = v
                                j += 1
                            }
                        } else if relu {
                            var j = 0
                            while j + 8 <= columns {
                                let raw = UnsafeMutableRawPointer(row + j)
                                var v = raw.loadUnaligned(as: SIMD8<Float>.self)
                                v.replace(with: 0, where: v .< 0)
                                raw.storeBytes(of: v, as: SIMD8<Float>.self)
                                j += 8
                            }
                            while j < columns {
                                if row[j] < 0 { row[j] = 0 }
                                j += 1
                            }
                        }
                        if let g = gelu, let sp = ss.baseAddress {
                            for j in 0..<columns { sp[j] = row[j] / g.divisor }
                            ElementwiseFastMath.erf(ss)
                            for j in 0..<columns { row[j] = (row[j] * (sp[j] + g.one)) * g.half }
                        }
                        if let scale {
                            for j in 0..<columns { row[j] *= scale }
                        }
                    }
                }
            }
        }
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
