import SlipwayTensor
import Testing

@Suite struct LowPrecisionTests {
    static let float8: [DataType] = [.float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz]

    @Test(arguments: float8 + [.float4e2m1])
    func everyCodeRoundTrips(_ type: DataType) {
        let codes = type == .float4e2m1 ? 0..<16 : 0..<256
        for code in codes.map({ UInt8($0) }) {
            let value = LowPrecision.decode(code, type)
            if value.isNaN { continue }
            // -0 of the uz types is their NaN, so every non-NaN code must come back unchanged.
            #expect(LowPrecision.encode(Double(value), type, saturate: false) == code, "\(type) code \(code) = \(value)")
        }
    }

    @Test func specialValues() {
        #expect(LowPrecision.decode(0x7F, .float8e4m3fn).isNaN)
        #expect(LowPrecision.decode(0xFF, .float8e4m3fn).isNaN)
        #expect(LowPrecision.decode(0x7E, .float8e4m3fn) == 448)
        #expect(LowPrecision.decode(0x80, .float8e4m3fnuz).isNaN)
        #expect(LowPrecision.decode(0x7F, .float8e4m3fnuz) == 240)
        #expect(LowPrecision.decode(0x7C, .float8e5m2) == .infinity)
        #expect(LowPrecision.decode(0xFC, .float8e5m2) == -.infinity)
        #expect(LowPrecision.decode(0x7D, .float8e5m2).isNaN)
        #expect(LowPrecision.decode(0x7B, .float8e5m2) == 57344)
        #expect(LowPrecision.decode(0x80, .float8e5m2fnuz).isNaN)
        #expect(LowPrecision.decode(0x7F, .float8e5m2fnuz) == 57344)
        #expect(LowPrecision.decode(0x7, .float4e2m1) == 6)
        #expect(LowPrecision.decode(0x1, .float4e2m1) == 0.5)
        #expect(LowPrecision.decode(0x01, .float8e4m3fn) == 0.001953125)  // smallest subnormal, 2^-9
        #expect(LowPrecision.decode(127, .float8e8m0) == 1)
        #expect(LowPrecision.decode(0, .float8e8m0) == Float(sign: .plus, exponent: -127, significand: 1))
        #expect(LowPrecision.decode(0xFF, .float8e8m0).isNaN)
        #expect(LowPrecision.decode(0xF, .int4) == -1)
        #expect(LowPrecision.decode(0x2, .int2) == -2)
        #expect(LowPrecision.decode(0x3, .uint2) == 3)
    }

    @Test func saturation() {
        #expect(LowPrecision.encode(1000, .float8e4m3fn) == 0x7E)
        #expect(LowPrecision.encode(-.infinity, .float8e4m3fn) == 0xFE)
        #expect(LowPrecision.decode(LowPrecision.encode(1000, .float8e4m3fn, saturate: false), .float8e4m3fn).isNaN)
        #expect(LowPrecision.decode(LowPrecision.encode(.infinity, .float8e4m3fn, saturate: false), .float8e4m3fn).isNaN)
        #expect(LowPrecision.encode(1000, .float8e4m3fnuz) == 0x7F)
        #expect(LowPrecision.encode(-1000, .float8e4m3fnuz, saturate: false) == 0x80)
        #expect(LowPrecision.encode(1e6, .float8e5m2) == 0x7B)
        #expect(LowPrecision.encode(1e6, .float8e5m2, saturate: false) == 0x7C)
        #expect(LowPrecision.encode(-1e6, .float8e5m2, saturate: false) == 0xFC)
        #expect(LowPrecision.encode(.infinity, .float8e5m2fnuz) == 0x7F)
        #expect(LowPrecision.encode(.infinity, .float8e5m2fnuz, saturate: false) == 0x80)
        // float4e2m1 has no infinity or NaN: it always saturates, and NaN becomes -0.
        #expect(LowPrecision.encode(1e6, .float4e2m1, saturate: false) == 0x7)
        #expect(LowPrecision.encode(-.infinity, .float4e2m1) == 0xF)
        #expect(LowPrecision.encode(.nan, .float4e2m1) == 0x8)
    }

    @Test func nanAndZeros() {
        for type in Self.float8 {
            #expect(LowPrecision.decode(LowPrecision.encode(.nan, type), type).isNaN, "\(type)")
            #expect(LowPrecision.encode(0, type) == 0)
        }
        #expect(LowPrecision.encode(-0.0, .float8e4m3fn) == 0x80)
        #expect(LowPrecision.encode(-0.0, .float8e5m2) == 0x80)
        #expect(LowPrecision.encode(-0.0, .float8e4m3fnuz) == 0)  // no -0 in the uz types
        #expect(LowPrecision.encode(-1e-30, .float8e5m2fnuz) == 0)
        #expect(LowPrecision.encode(.nan, .float8e8m0) == 0xFF)
        #expect(LowPrecision.encode(.infinity, .float8e8m0) == 0xFF)
        #expect(LowPrecision.encode(.nan, .int4) == 0)
    }

    @Test func roundsToNearestEven() {
        #expect(LowPrecision.encode(1.0625, .float8e4m3fn) == 0x38)  // halfway 1 / 1.125 → 1
        #expect(LowPrecision.encode(1.1875, .float8e4m3fn) == 0x3A)  // halfway 1.125 / 1.25 → 1.25
        #expect(LowPrecision.encode(1.07, .float8e4m3fn) == 0x39)
        #expect(LowPrecision.encode(464, .float8e4m3fn, saturate: false) == 0x7E)  // tie 448 / (480) → 448
        #expect(LowPrecision.decode(LowPrecision.encode(465, .float8e4m3fn, saturate: false), .float8e4m3fn).isNaN)
        #expect(LowPrecision.encode(0.0009765625, .float8e4m3fn) == 0)  // half the smallest subnormal → 0
        #expect(LowPrecision.encode(0.00146484375, .float8e4m3fn) == 1)  // 0.75 of it → 1
        #expect(LowPrecision.encode(5, .float4e2m1) == 0x6)  // tie 4 / 6 → 4
        #expect(LowPrecision.encode(0.25, .float4e2m1) == 0)  // tie 0 / 0.5 → 0
        #expect(LowPrecision.encode(0.75, .float4e2m1) == 0x2)  // tie 0.5 / 1 → 1
        #expect(LowPrecision.encode(1.25, .float8e5m2) == 0x3D)  // exact
        #expect(LowPrecision.encode(1.125, .float8e5m2) == 0x3C)  // tie 1 / 1.25 → 1
        #expect(LowPrecision.encode(1.375, .float8e5m2) == 0x3E)  // tie 1.25 / 1.5 → 1.5
    }

    @Test func e8m0Rounding() {
        #expect(LowPrecision.encode(3, .float8e8m0, rounding: .up) == 129)
        #expect(LowPrecision.encode(3, .float8e8m0, rounding: .down) == 128)
        #expect(LowPrecision.encode(3, .float8e8m0, rounding: .nearest) == 129)
        #expect(LowPrecision.encode(2.5, .float8e8m0, rounding: .nearest) == 128)
        #expect(LowPrecision.encode(2, .float8e8m0, rounding: .up) == 128)
        #expect(LowPrecision.encode(-4, .float8e8m0) == 129)  // the sign is dropped
        let big = Double(Float.greatestFiniteMagnitude)
        #expect(LowPrecision.encode(big, .float8e8m0, saturate: true, rounding: .up) == 0xFE)
        #expect(LowPrecision.encode(big, .float8e8m0, saturate: false, rounding: .up) == 0xFF)
    }

    @Test func integersWrapAfterTruncation() {
        #expect(LowPrecision.encode(-9, .int4) == 7)
        #expect(LowPrecision.encode(8, .int4) == 8)
        #expect(LowPrecision.encode(-2.7, .int4) == 0xE)
        #expect(LowPrecision.encode(-3, .uint2) == 1)
        #expect(LowPrecision.encode(5, .int2) == 1)
        #expect(LowPrecision.encode(15.9, .uint4) == 15)
    }

    @Test func storageChecksCodesAndTensorsConvert() throws {
        #expect(throws: TensorError.self) { try LowPrecisionStorage(.int4, codes: [16]) }
        #expect(throws: TensorError.self) { try LowPrecisionStorage(.float32, codes: [0]) }
        let s = try LowPrecisionStorage(.int4, codes: [0xF, 7])
        #expect(s.integers() == [-1, 7])
        let t = try Tensor(shape: [2], storage: .lowPrecision(s))
        #expect(t.dataType == .int4 && t.doubles() == [-1, 7])
        #expect(t.gathering(offsets: [1, 0], shape: [2]).doubles() == [7, -1])
        let f8 = try Tensor.fromDoubles([1, 1000], shape: [2], as: .float8e4m3fn)
        #expect(f8.floats() == [1, 448])
        #expect(try Tensor.zeros(.uint2, shape: [3]).count == 3)
    }
}
