/// Tensor elements as little-endian bytes (the V2 binary tensor format and the prediction log's blobs).
///
/// ``append(_:to:)`` copies a whole buffer at once on little-endian machines, where an element's memory already
/// is its little-endian encoding; ``appendReference(_:to:)`` is the byte-by-byte twin it is tested against.
public enum LittleEndianBytes {
    /// Appends the little-endian bytes of each element, in order.
    public static func append<T: FixedWidthInteger & BitwiseCopyable>(_ values: [T], to out: inout [UInt8]) {
        #if _endian(little)
            appendStorage(values, to: &out)
        #else
            appendReference(values, to: &out)
        #endif
    }

    /// Appends the little-endian bytes of each element's IEEE 754 bit pattern, in order.
    public static func append(_ values: [Float], to out: inout [UInt8]) {
        #if _endian(little)
            appendStorage(values, to: &out)
        #else
            appendReference(values, to: &out)
        #endif
    }

    /// Appends the little-endian bytes of each element's IEEE 754 bit pattern, in order.
    public static func append(_ values: [Double], to out: inout [UInt8]) {
        #if _endian(little)
            appendStorage(values, to: &out)
        #else
            appendReference(values, to: &out)
        #endif
    }

    /// Appends the little-endian bytes of each element's IEEE 754 bit pattern, in order.
    public static func append(_ values: [Float16], to out: inout [UInt8]) {
        #if _endian(little)
            appendStorage(values, to: &out)
        #else
            appendReference(values, to: &out)
        #endif
    }

    /// The array's memory as it is: on a little-endian machine, each integer's or float's memory is its
    /// little-endian encoding (a float is stored as its bit pattern).
    private static func appendStorage<T: BitwiseCopyable>(_ values: [T], to out: inout [UInt8]) {
        // Safe because: the buffer is a read-only view of the array's contiguous storage, used only inside the closure.
        values.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    /// The plain twin of ``append(_:to:)`` for integers: shifts, one byte at a time.
    public static func appendReference<T: FixedWidthInteger>(_ values: [T], to out: inout [UInt8]) {
        out.reserveCapacity(out.count + values.count * T.bitWidth / 8)
        for v in values {
            for b in 0..<(T.bitWidth / 8) { out.append(UInt8(truncatingIfNeeded: v >> (8 * b))) }
        }
    }

    /// The plain twin of ``append(_:to:)`` for floating point: the bit pattern's bytes, one at a time.
    public static func appendReference(_ values: [Float], to out: inout [UInt8]) { appendReference(values.map(\.bitPattern), to: &out) }
    public static func appendReference(_ values: [Double], to out: inout [UInt8]) { appendReference(values.map(\.bitPattern), to: &out) }
    public static func appendReference(_ values: [Float16], to out: inout [UInt8]) { appendReference(values.map(\.bitPattern), to: &out) }
}
