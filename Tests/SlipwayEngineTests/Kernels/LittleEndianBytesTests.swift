import SlipwayEngine
import Testing

/// The bulk little-endian copy against its byte-by-byte twin, on random values of every width (NaN payloads,
/// infinities and subnormals included: bit patterns are copied, not values).
@Suite struct LittleEndianBytesTests {
    @Test func bulkCopyEqualsTheReference() {
        var g = SystemRandomNumberGenerator()
        for count in [0, 1, 3, 4, 17, 960] {
            let floats = (0..<count).map { _ in Float(bitPattern: g.next()) }
            let doubles = (0..<count).map { _ in Double(bitPattern: g.next()) }
            let halves = (0..<count).map { _ in Float16(bitPattern: g.next()) }
            let ints = (0..<count).map { _ in Int64(bitPattern: g.next()) }
            let shorts = (0..<count).map { _ in Int16(truncatingIfNeeded: g.next() as UInt64) }
            let words = (0..<count).map { _ in UInt32(truncatingIfNeeded: g.next() as UInt64) }
            func check(_ fast: (inout [UInt8]) -> Void, _ reference: (inout [UInt8]) -> Void) {
                var a: [UInt8] = [7]
                var b: [UInt8] = [7]
                fast(&a)
                reference(&b)
                #expect(a == b)
            }
            check({ LittleEndianBytes.append(floats, to: &$0) }, { LittleEndianBytes.appendReference(floats, to: &$0) })
            check({ LittleEndianBytes.append(doubles, to: &$0) }, { LittleEndianBytes.appendReference(doubles, to: &$0) })
            check({ LittleEndianBytes.append(halves, to: &$0) }, { LittleEndianBytes.appendReference(halves, to: &$0) })
            check({ LittleEndianBytes.append(ints, to: &$0) }, { LittleEndianBytes.appendReference(ints, to: &$0) })
            check({ LittleEndianBytes.append(shorts, to: &$0) }, { LittleEndianBytes.appendReference(shorts, to: &$0) })
            check({ LittleEndianBytes.append(words, to: &$0) }, { LittleEndianBytes.appendReference(words, to: &$0) })
        }
        var one: [UInt8] = []
        LittleEndianBytes.append([Float(1)], to: &one)
        #expect(one == [0x00, 0x00, 0x80, 0x3F])
    }
}
