import Testing

@testable import SlipwayEngine

/// A small deterministic generator so failures reproduce.
struct NNTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

@Suite struct GEMMKernelTests {
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 37, 5), (37, 1, 5), (6, 16, 8), (7, 17, 9), (13, 33, 300), (1, 100, 70), (100, 1, 70),
        (29, 61, 257), (97, 130, 3), (12, 1040, 20), (16, 16, 16), (5, 48, 7), (3, 40, 2), (1, 64, 64), (110, 32, 64),
    ]

    func maxRelativeError(_ x: [Float], _ y: [Float]) -> Float {
        zip(x, y).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func packedMatchesReference(transA: Bool, transB: Bool) throws {
        var random = NNTestRandom(seed: 42)
        for (m, n, k) in Self.shapes {
            let a = random.floats(m * k + 3), b = random.floats(k * n + 5)
            let aLayout = transA ? GEMMLayout(offset: 3, rowStride: 1, columnStride: m) : GEMMLayout(offset: 3, rowStride: k, columnStride: 1)
            let bLayout = transB ? GEMMLayout(offset: 5, rowStride: 1, columnStride: k) : GEMMLayout(offset: 5, rowStride: n, columnStride: 1)
            var expected = random.floats(m * n)
            var packed = expected, small = expected, auto = expected, directA = expected
            try GEMMReference.multiplyAdd(a: a, aLayout, b: b, bLayout, m: m, n: n, k: k, into: &expected, offset: 0, ldc: n)
            let pa = try SGEMM.packA(a, aLayout, rows: m, depth: k)
            let pb = try SGEMM.packB(b, bLayout, depth: k, columns: n)
            try SGEMM.multiplyAdd(pa, pb, into: &packed, offset: 0, ldc: n)
            try SGEMM.multiplyAdd(a: a, aLayout, m: m, packedB: pb, into: &directA, offset: 0, ldc: n)
            try SGEMM.small(a: a, aLayout, b: b, bLayout, m: m, n: n, k: k, into: &small, offset: 0, ldc: n)
            try SGEMM.multiplyAdd(a: a, aLayout, b: b, bLayout, m: m, n: n, k: k, into: &auto, offset: 0, ldc: n)
            #expect(maxRelativeError(packed, expected) < 1e-4, "packed \(m)×\(n)×\(k)")
            #expect(maxRelativeError(small, expected) < 1e-4, "small \(m)×\(n)×\(k)")
            #expect(maxRelativeError(directA, expected) < 1e-4, "A in place, packed B \(m)×\(n)×\(k)")
            #expect(maxRelativeError(auto, expected) < 1e-4, "auto \(m)×\(n)×\(k)")
        }
    }

    @Test func outputWithOffsetAndStride() throws {
        var random = NNTestRandom(seed: 7)
        let (m, n, k, ldc, offset) = (9, 20, 11, 25, 4)
        let a = random.floats(m * k), b = random.floats(k * n)
        var expected = random.floats(offset + m * ldc)
        var actual = expected
        try GEMMReference.multiplyAdd(
            a: a, .rowMajor(columns: k), b: b, .rowMajor(columns: n), m: m, n: n, k: k, into: &expected, offset: offset, ldc: ldc)
        let pb = try SGEMM.packB(b, .rowMajor(columns: n), depth: k, columns: n, scale: 1)
        try SGEMM.multiplyAdd(a: a, .rowMajor(columns: k), m: m, packedB: pb, into: &actual, offset: offset, ldc: ldc)
        #expect(maxRelativeError(actual, expected) < 1e-4)
    }

    @Test func doubleKernelMatchesReference() throws {
        var random = NNTestRandom(seed: 9)
        for (m, n, k) in Self.shapes {
            let a = random.floats(m * k).map(Double.init), b = random.floats(k * n).map(Double.init)
            var expected = [Double](repeating: 0, count: m * n)
            var actual = expected
            let bLayout = GEMMLayout(offset: 0, rowStride: 1, columnStride: k)
            try GEMMReference.multiplyAdd(a: a, .rowMajor(columns: k), b: b, bLayout, m: m, n: n, k: k, into: &expected, offset: 0, ldc: n)
            try DGEMM.multiplyAdd(a: a, .rowMajor(columns: k), b: b, bLayout, m: m, n: n, k: k, into: &actual, offset: 0, ldc: n)
            #expect(zip(actual, expected).allSatisfy { abs($0 - $1) < 1e-9 })
        }
    }

    @Test func outOfBoundsOperandsThrow() {
        var c = [Float](repeating: 0, count: 4)
        #expect(throws: EngineError.self) {
            try SGEMM.multiplyAdd(
                a: [1, 2], .rowMajor(columns: 2), b: [1, 2, 3], .rowMajor(columns: 2), m: 2, n: 2, k: 2, into: &c, offset: 0, ldc: 2)
        }
    }
}
