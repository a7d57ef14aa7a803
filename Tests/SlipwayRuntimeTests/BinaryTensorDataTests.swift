import SlipwayEngine
import SlipwayRuntime
import SlipwayTensor
import Testing

@Suite struct BinaryTensorDataTests {
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    @Test func decodesEveryFixedTypeAndBytes() throws {
        let json =
            #"{"inputs":[{"name":"a","shape":[2],"datatype":"INT16","parameters":{"binary_data_size":4}},"#
            + #"{"name":"b","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":12}},"#
            + #"{"name":"c","shape":[3],"datatype":"BOOL","parameters":{"binary_data_size":3}},"#
            + #"{"name":"d","shape":[1],"datatype":"FP64","data":[2.5]}]}"#
        let binary: [UInt8] = [0xFF, 0xFF, 7, 0] + Self.le32(2) + Array("hi".utf8) + Self.le32(2) + Array("é".utf8) + [1, 0, 1]
        let request = try InferenceRequest.decode(body: Array(json.utf8) + binary, jsonLength: json.utf8.count)
        let storages = request.inputs.map(\.tensor.storage)
        guard storages.count == 4, case .int16(let a) = storages[0], case .string(let b) = storages[1], case .bool(let c) = storages[2],
            case .float64(let d) = storages[3]
        else {
            Issue.record("unexpected storages \(storages)")
            return
        }
        #expect(a == [-1, 7])
        #expect(b == ["hi", "é"])
        #expect(c == [true, false, true])
        #expect(d == [2.5])
    }

    @Test func rejectsInvalidUTF8AndTruncatedBytes() {
        let json = #"{"inputs":[{"name":"b","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":6}}]}"#
        #expect(throws: InferenceError.self) {
            try InferenceRequest.decode(body: Array(json.utf8) + Self.le32(2) + [0xC3, 0x28], jsonLength: json.utf8.count)
        }
        #expect(throws: InferenceError.self) {
            try InferenceRequest.decode(body: Array(json.utf8) + Self.le32(9) + [1, 2], jsonLength: json.utf8.count)
        }
    }

    @Test func encodesSelectedOutputsAsRawBytesAfterTheJSON() throws {
        let response = InferenceResponse(
            modelName: "m", modelVersion: "3",
            outputs: [
                ("f", .tensor(try Tensor(shape: [2], elements: [Float(1), -2]))),
                ("s", .tensor(try Tensor(shape: [1], elements: ["ab"]))),
            ])
        let (body, jsonLength) = response.encode { $0 != "none" }
        let n = try #require(jsonLength)
        let head = try JSONScanner.parse(Array(body[..<n]))
        #expect(head["outputs"]?.arrayValue?.compactMap { $0["parameters"]?["binary_data_size"]?.int64Value } == [8, 6])
        #expect(Array(body[n...]) == Self.le32(Float(1).bitPattern) + Self.le32(Float(-2).bitPattern) + Self.le32(2) + Array("ab".utf8))
        #expect(response.encode { _ in false }.jsonLength == nil)
    }
}
