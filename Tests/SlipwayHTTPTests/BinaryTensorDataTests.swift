import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SlipwayHTTP
import SlipwayRuntime
import Testing

/// Triton's binary tensor data extension over HTTP, as tritonclient uses it.
@Suite struct BinaryTensorDataRouteTests {
    static let header = HTTPField.Name.inferenceHeaderContentLength

    static func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
    }

    static func body(json: String, binary: [UInt8]) -> (ByteBuffer, HTTPFields) {
        (ByteBuffer(bytes: Array(json.utf8) + binary), [header: String(json.utf8.count)])
    }

    @Test func binaryInputsAndOutputs() async throws {
        let json =
            #"{"id":"b1","inputs":[{"name":"X","shape":[2,4],"datatype":"FP32","parameters":{"binary_data_size":32}}],"parameters":{"binary_data_output":true}}"#
        let (body, headers) = Self.body(json: json, binary: Self.floats([5.1, 2.5, 3.0, 1.1, 6.1, 2.8, 4.0, 1.3]))
        try await V2Fixtures.app().test(.router) { client in
            let response = try await client.execute(uri: "/v2/models/iris/infer", method: .post, headers: headers, body: body)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/octet-stream")
            let jsonLength = try #require(response.headers[Self.header].flatMap { Int($0) })
            let bytes = [UInt8](buffer: response.body)
            let head = try JSONScanner.parse(Array(bytes[..<jsonLength]))
            #expect(head["id"]?.stringValue == "b1")
            let outputs = head["outputs"]?.arrayValue ?? []
            #expect(outputs.compactMap { $0["parameters"]?["binary_data_size"]?.int64Value } == [16, 24])
            #expect(outputs.allSatisfy { $0["data"] == nil })
            // label: INT64 [2] = [1, 1]; then probabilities FP32 [2, 3].
            let tail = Array(bytes[jsonLength...])
            #expect(tail.count == 40)
            #expect(Array(tail[0..<16]) == [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
            let p0 = Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(tail[16 + $1]) << (8 * $1) })
            #expect(abs(p0 - 0.1552) < 1e-3)
        }
    }

    @Test func binaryInputWithJSONOutputsAndPerOutputChoice() async throws {
        let json =
            #"{"inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}],"outputs":[{"name":"label","parameters":{"binary_data":false}},{"name":"probabilities","parameters":{"binary_data":true}}]}"#
        let (body, headers) = Self.body(json: json, binary: Self.floats([5.1, 2.5, 3.0, 1.1]))
        try await V2Fixtures.app().test(.router) { client in
            let response = try await client.execute(uri: "/v2/models/iris/infer", method: .post, headers: headers, body: body)
            #expect(response.status == .ok)
            let jsonLength = try #require(response.headers[Self.header].flatMap { Int($0) })
            let head = try JSONScanner.parse(Array([UInt8](buffer: response.body)[..<jsonLength]))
            let outputs = head["outputs"]?.arrayValue ?? []
            #expect(outputs.first?["data"]?.arrayValue?.compactMap(\.int64Value) == [1])
            #expect(outputs.last?["parameters"]?["binary_data_size"]?.int64Value == 12)
            #expect(response.body.readableBytes == jsonLength + 12)
        }
    }

    @Test(arguments: [
        (#"{"inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":12}}]}"#, 16, "binary_data_size is 12 bytes"),
        (#"{"inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}"#, 8, "only 8 binary bytes"),
        (#"{"inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}"#, 20, "4 bytes that no input"),
    ])
    func binaryErrorsAre400(json: String, binaryCount: Int, message: String) async throws {
        let (body, headers) = Self.body(json: json, binary: [UInt8](repeating: 0, count: binaryCount))
        try await V2Fixtures.app().test(.router) { client in
            let response = try await client.execute(uri: "/v2/models/iris/infer", method: .post, headers: headers, body: body)
            #expect(response.status == .badRequest)
            let error = V2Fixtures.errorMessage(response)
            #expect(error?.contains(message) == true, "\(error ?? "no V2 error body")")
        }
    }

    @Test(arguments: ["0", "-3", "abc", "100000"]) func badHeaderIs400(value: String) async throws {
        try await V2Fixtures.app().test(.router) { client in
            let response = try await client.execute(
                uri: "/v2/models/iris/infer", method: .post, headers: [Self.header: value], body: ByteBuffer(string: V2Fixtures.irisRequest))
            #expect(response.status == .badRequest)
            #expect(V2Fixtures.errorMessage(response)?.contains("Inference-Header-Content-Length") == true)
        }
    }

    @Test func serverAdvertisesTheExtension() async throws {
        try await V2Fixtures.app().test(.router) { client in
            let body = try V2Fixtures.json(try await client.execute(uri: "/v2", method: .get))
            #expect(body["extensions"]?.arrayValue?.contains(.string("binary_tensor_data")) == true)
        }
    }
}
