import RealModule

/// Vectorised float32 kernels for the hot element-wise functions (Relu, Erf, the exp of Softmax).
///
/// `exp` is the Cephes single-precision algorithm (range reduction by ln 2, degree-6 polynomial,
/// scaling by 2ⁿ through the exponent bits; relative error ≈ 2e-7) and `erf` the faithfully rounded
/// float algorithm popularised by N. Juffa (the one onnxruntime's MLAS uses; absolute error < 1e-7).
/// Each has a scalar reference twin (`expReference`, `erfReference`) used by the comparison tests.
enum ElementwiseFastMath {
    typealias Vector = SIMD16<Float>

    static let expUpper: Float = 88.0
    static let expLower: Float = -87.3

    /// e^x for x ≤ 88 (larger inputs give e^88; inputs below -87.3 give 0).
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        // (Masked selects, not `clamped`: the generic pointwiseMin/Max are not inlined for SIMD16.)
        var clamped = x.replacing(with: expLower, where: x .< Vector(repeating: expLower))
        clamped.replace(with: expUpper, where: x .> Vector(repeating: expUpper))
        let magic = Vector(repeating: 12_582_912)  // 1.5 · 2²³: adding it rounds to an integer in the low bits.
        let shifted = clamped * Vector(repeating: 1.442_695_04) + magic
        let n = shifted - magic
        var r = clamped - n * Vector(repeating: 0.693_359_375)
        r = r - n * Vector(repeating: -2.121_944_4e-4)
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + Vector(repeating: 1.398_199_950_7e-3)
        p = p * r + Vector(repeating: 8.333_451_907_3e-3)
        p = p * r + Vector(repeating: 4.166_579_589_4e-2)
        p = p * r + Vector(repeating: 1.666_666_545_9e-1)
        p = p * r + Vector(repeating: 5.000_000_120_1e-1)
        p = p * (r * r) + r + Vector(repeating: 1)
        // 2ⁿ: n sits in the low mantissa bits of `shifted`; move it into the exponent field.
        let bits = unsafeBitCast(shifted, to: SIMD16<UInt32>.self)
        let scaleBits = ((bits &- 0x4B40_0000) &<< 23) &+ 0x3F80_0000
        var result = p * unsafeBitCast(scaleBits, to: Vector.self)
        result.replace(with: 0, where: x .< Vector(repeating: expLower))
        result.replace(with: x, where: x .!= x)  // NaN stays NaN
        return result
    }

    /// The scalar reference for ``exp(_:)``.
    static func expReference(_ x: Float) -> Float { Float.exp(x) }

    /// erf(x) for every float (±1 beyond ±4, NaN for NaN).
    @inline(__always)
    static func erf(_ a: Vector) -> Vector {
        let t = a.replacing(with: -a, where: a .< 0)
        let s = a * a
        // |x| > 0.927734375: erf = 1 - exp(poly(|x|)).
        var r = Vector(repeating: -1.728_534_70e-5) * t + Vector(repeating: 3.831_971_26e-4)
        let u = Vector(repeating: -3.883_964_38e-3) * t + Vector(repeating: 2.425_462_19e-2)
        r = r * s + u
        r = r * t + Vector(repeating: -1.067_778_77e-1)
        r = r * t + Vector(repeating: -6.348_466_87e-1)
        r = r * t + Vector(repeating: -1.287_175_12e-1)
        r = r * t - t
        var big = Vector(repeating: 1) - exp(r)
        big.replace(with: -big, where: a .< 0)
        // |x| ≤ 0.927734375: odd polynomial.
        var q = Vector(repeating: -5.967_617_03e-4)
        q = q * s + Vector(repeating: 4.991_194_23e-3)
        q = q * s + Vector(repeating: -2.676_813_49e-2)
        q = q * s + Vector(repeating: 1.128_199_25e-1)
        q = q * s + Vector(repeating: -3.761_253_36e-1)
        q = q * s + Vector(repeating: 1.283_791_66e-1)
        let small = q * a + a
        return small.replacing(with: big, where: t .> Vector(repeating: 0.927_734_375))
    }

    /// The scalar reference for ``erf(_:)``.
    static func erfReference(_ x: Float) -> Float { Float.erf(x) }

    /// Applies `f` to every element of `buffer` in place, 16 lanes at a time (the tail through a local vector).
    @inline(__always)
    static func mapBuffer(_ buffer: UnsafeMutableBufferPointer<Float>, _ f: (Vector) -> Vector) {
        // Safe because: full-vector loads and stores stay below `count`; the tail goes through a local vector.
        guard let p = buffer.baseAddress else { return }
        let count = buffer.count
        var i = 0
        while i + 16 <= count {
            let raw = UnsafeMutableRawPointer(p + i)
            raw.storeBytes(of: f(raw.loadUnaligned(as: Vector.self)), as: Vector.self)
            i += 16
        }
        if i < count {
            var tail = Vector()
            for j in 0..<(count - i) { tail[j] = p[i + j] }
            let mapped = f(tail)
            for j in 0..<(count - i) { p[i + j] = mapped[j] }
        }
    }

    static func relu(_ buffer: UnsafeMutableBufferPointer<Float>) {
        mapBuffer(buffer) { v in v.replacing(with: 0, where: v .< 0) }
    }

    static func erf(_ buffer: UnsafeMutableBufferPointer<Float>) { mapBuffer(buffer) { erf($0) } }

    static func exp(_ buffer: UnsafeMutableBufferPointer<Float>) {
        mapBuffer(buffer) { v in
            // Beyond the vector kernel's range, fall back to the scalar function (overflow to +inf).
            if any(v .> Vector(repeating: expUpper)) {
                var out = Vector()
                for j in 0..<16 { out[j] = Float.exp(v[j]) }
                return out
            }
            return exp(v)
        }
    }

    /// Runs a float32 kernel on `values` in place when `T` is `Float`; returns false (doing nothing) otherwise.
    @inline(__always)
    static func ifFloat<T>(_ values: inout [T], _ kernel: (UnsafeMutableBufferPointer<Float>) -> Void) -> Bool {
        guard T.self == Float.self else { return false }
        values.withUnsafeMutableBufferPointer { buffer in
            // Safe because: T is Float (checked above), so rebinding the memory to Float is an identity.
            buffer.withMemoryRebound(to: Float.self) { kernel($0) }
        }
        return true
    }

    /// Applies a kernel to a float array (tests and callers holding `[Float]`).
    static func apply(_ values: inout [Float], _ kernel: (UnsafeMutableBufferPointer<Float>) -> Void) {
        values.withUnsafeMutableBufferPointer { kernel($0) }
    }
}
