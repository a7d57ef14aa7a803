/// Epilogues fused into producing operators: a per-column bias added to every row of a row-major
/// `[rows × columns]` float32 result, then an optional activation.
enum NNEpilogue {
    /// `y[r, j] = act(y[r, j] + bias[j])` (bias may be empty: activation only).
    static func apply(_ y: inout [Float], columns: Int, bias: [Float], activation: NNFusedActivation?) throws {
        guard columns > 0, y.count % columns == 0, bias.isEmpty || bias.count == columns else {
            throw EngineError.runtime("epilogue: \(y.count) values are not rows of \(columns) (bias \(bias.count))")
        }
        let relu = activation == .relu
        let rows = y.count / columns
        bias.withUnsafeBufferPointer { bs in
            y.withUnsafeMutableBufferPointer { ys in
                // Safe because: y holds rows × columns values and bias is empty or holds `columns` values (checked above).
                guard let yBase = ys.baseAddress else { return }
                let b = bias.isEmpty ? nil : bs.baseAddress
                for r in 0..<rows {
                    let row = yBase + r * columns
                    var j = 0
                    while j + 8 <= columns {
                        let raw = UnsafeMutableRawPointer(row + j)
                        var v = raw.loadUnaligned(as: SIMD8<Float>.self)
                        if let b { v += UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self) }
                        if relu { v.replace(with: 0, where: v .< 0) }
                        raw.storeBytes(of: v, as: SIMD8<Float>.self)
                        j += 8
                    }
                    while j < columns {
                        var v = row[j]
                        if let b { v += b[j] }
                        if relu && v < 0 { v = 0 }
                        row[j] = v
                        j += 1
                    }
                }
            }
        }
    }

    /// The safe reference twin of ``apply(_:columns:bias:activation:)``.
    static func reference(_ y: [Float], columns: Int, bias: [Float], activation: NNFusedActivation?) -> [Float] {
        y.indices.map { i in
            let v = y[i] + (bias.isEmpty ? 0 : bias[i % columns])
            return activation == .relu && v < 0 ? 0 : v
        }
    }
}

/// An activation run inside the operator that produces its input (see the fusion pass).
enum NNFusedActivation: Sendable, Equatable {
    case relu
}
