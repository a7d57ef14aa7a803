/// A bfloat16 value: the upper 16 bits of a float32, rounded to nearest even on conversion.
public struct BFloat16: Sendable, Hashable {
    public var bitPattern: UInt16

    public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    public init(_ value: Float) {
        if value.isNaN {
            bitPattern = 0x7FC0
            return
        }
        let bits = value.bitPattern
        let roundingBias = UInt32(0x7FFF) + ((bits >> 16) & 1)
        bitPattern = UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }

    public var floatValue: Float { Float(bitPattern: UInt32(bitPattern) << 16) }
}
