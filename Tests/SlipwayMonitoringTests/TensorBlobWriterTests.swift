import Foundation
import Testing

@testable import SlipwayMonitoring

/// The blob writer writes each header through an `OutputSpan`; its plain twin here appends the documented layout
/// byte by byte. Random tensors (unicode and over-long names, any rank, empty payloads) must come out identical, and
/// a payload whose stated size is wrong is still recorded with its true size.
@Suite struct TensorBlobWriterTests {
    /// The layout of ``TensorBlob``, one byte at a time: `u32 count`, then per tensor `u16 name length, name,
    /// u8 datatype length, datatype, u8 rank, i64 dims…, u64 byte count, bytes`.
    static func reference(_ tensors: [(name: String, datatype: String, shape: [Int], payload: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        func put(_ value: UInt64, bytes: Int) {
            for b in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(b)))) }
        }
        put(UInt64(tensors.count), bytes: 4)
        for tensor in tensors {
            let name = Array(tensor.name.utf8.prefix(Int(UInt16.max)))
            put(UInt64(name.count), bytes: 2)
            out += name
            let datatype = Array(tensor.datatype.utf8.prefix(255))
            put(UInt64(datatype.count), bytes: 1)
            out += datatype
            let dims = tensor.shape.prefix(255)
            put(UInt64(dims.count), bytes: 1)
            for dim in dims { put(UInt64(bitPattern: Int64(dim)), bytes: 8) }
            put(UInt64(tensor.payload.count), bytes: 8)
            out += tensor.payload
        }
        return out
    }

    static func randomName(_ generator: inout some RandomNumberGenerator) -> String {
        let pieces = ["x", "float_input", "é", "名前", "🙂", "_", "probabilities", ""]
        switch Int.random(in: 0..<20, using: &generator) {
        case 0: return String(repeating: "é", count: 40_000)  // 80,000 bytes: cut at 65,535 (inside a character)
        case 1: return ""
        default: return (0..<Int.random(in: 1...6, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "x" }.joined()
        }
    }

    @Test func headersMatchThePlainTwinOnRandomTensors() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let tensors = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                let datatype = Int.random(in: 0..<30, using: &generator) == 0 ? String(repeating: "T", count: 300) : "FP32"
                let rank = Int.random(in: 0..<40, using: &generator) == 0 ? 260 : Int.random(in: 0...4, using: &generator)
                let shape = (0..<rank).map { _ in Int.random(in: -1...9, using: &generator) }
                let payload = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                return (name: Self.randomName(&generator), datatype: datatype, shape: shape, payload: payload)
            }
            var writer = TensorBlobWriter(capacity: Int.random(in: 0...64, using: &generator))
            for tensor in tensors {
                // The stated size is right, absent or wrong at random: the blob records the true size every time.
                let stated: Int? =
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: tensor.payload.count
                    case 1: nil
                    case 2: -Int.random(in: 1...9, using: &generator)
                    default: tensor.payload.count + Int.random(in: 1...9, using: &generator)
                    }
                writer.append(name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, byteCount: stated) {
                    $0.append(contentsOf: tensor.payload)
                }
            }
            let blob = writer.finish()
            #expect(blob == Self.reference(tensors))
        }
    }

    @Test func stringTensorsMatchThePlainTwin() throws {
        var writer = TensorBlobWriter()
        writer.append(name: "text", datatype: "BYTES", shape: [2], strings: ["a", "é\"b"])
        let payload = Array(try JSONEncoder().encode(["a", "é\"b"]))
        #expect(writer.finish() == Self.reference([(name: "text", datatype: "BYTES", shape: [2], payload: payload)]))
    }
}
