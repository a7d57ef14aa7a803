import SlipwayEngine
import SlipwayRuntime
import SlipwayTensor
import Testing

@Suite struct InferenceRequestTests {
    func decode(_ text: String) throws -> InferenceRequest {
        try InferenceRequest.decode(json: Array(text.utf8))
    }

    @Test func decodesEveryDatatype() throws {
        let r = try decode(
            #"""
            {"id":"abc","parameters":{"p":1},"inputs":[
              {"name":"f","shape":[2],"datatype":"FP32","data":[1.5,2]},
              {"name":"d","shape":[1],"datatype":"FP64","data":[0.1]},
              {"name":"h","shape":[1],"datatype":"FP16","data":[0.5]},
              {"name":"i","shape":[2],"datatype":"INT64","data":[-9223372036854775808,9223372036854775807]},
              {"name":"u","shape":[1],"datatype":"UINT8","data":[255]},
              {"name":"b","shape":[2],"datatype":"BOOL","data":[true,false]},
              {"name":"s","shape":[2],"datatype":"BYTES","data":["a","é"]}
            ],"outputs":[{"name":"y"}],"extra":[1,2,{"x":null}]}
            """#)
        #expect(r.id == "abc")
        #expect(r.outputs?.map(\.name) == ["y"])
        let byName = Dictionary(uniqueKeysWithValues: r.inputs.map { ($0.name, $0.tensor) })
        #expect(byName["f"]?.elements(as: Float.self) == [1.5, 2])
        #expect(byName["d"]?.elements(as: Double.self) == [0.1])
        #expect(byName["h"]?.elements(as: Float16.self) == [0.5])
        #expect(byName["i"]?.elements(as: Int64.self) == [Int64.min, Int64.max])
        #expect(byName["u"]?.elements(as: UInt8.self) == [255])
        #expect(byName["b"]?.elements(as: Bool.self) == [true, false])
        #expect(byName["s"]?.elements(as: String.self) == ["a", "é"])
    }

    @Test func acceptsDataBeforeDatatype() throws {
        let r = try decode(#"{"inputs":[{"data":[[1,2],[3,4]],"name":"x","shape":[2,2],"datatype":"INT32"}]}"#)
        #expect(r.inputs[0].tensor.elements(as: Int32.self) == [1, 2, 3, 4])
        #expect(r.inputs[0].tensor.shape == [2, 2])
    }

    @Test(arguments: [
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"UINT8","data":[256]}]}"#, "not a valid UINT8"),
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"INT32","data":[1.5]}]}"#, "not a valid INT32"),
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"BOOL","data":["yes"]}]}"#, "expected a BOOL"),
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"BYTES","data":[1]}]}"#, "expected a string"),
        (#"{"inputs":[{"shape":[1],"datatype":"FP32","data":[1]}]}"#, "inputs[0] needs a 'name'"),
        (#"{"inputs":[{"name":"x","datatype":"FP32","data":[1]}]}"#, "needs a 'shape'"),
        (#"{"inputs":[{"name":"x","shape":[1],"data":[1]}]}"#, "needs a 'datatype'"),
        (
            #"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]},{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}"#,
            "more than once"
        ),
        (#"{"inputs":[{"name":"x","shape":[1.5],"datatype":"FP32","data":[1]}]}"#, "array of integers"),
        (#"{"id":5,"inputs":[]}"#, "'id' must be a string"),
        (#"[]"#, "must be a JSON object"),
        (#"{}"#, "no 'inputs'"),
    ])
    func rejectsBadRequests(body: String, message: String) {
        do {
            _ = try decode(body)
            Issue.record("expected an error for \(body)")
        } catch let error as InferenceError {
            #expect(error.code == .badRequest)
            #expect(error.message.contains(message), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func encodesResponsesWithFlatDataAndMaps() {
        let zip = Value.sequence(
            SequenceValue(
                elementType: .map(key: .int64, value: .tensor(.float32)),
                elements: [.map(MapValue(keys: .int64([0, 1]), values: Tensor(vector: [Float(0.25), 0.75])))]))
        let response = InferenceResponse(
            modelName: "m", id: "r", outputs: [("label", .tensor(Tensor(vector: [Int64(1)]))), ("probs", zip)])
        let text = String(decoding: response.encodeJSON(), as: UTF8.self)
        #expect(text.contains(#"{"name":"label","datatype":"INT64","shape":[1],"data":[1]}"#), "\(text)")
        #expect(text.contains(#""data":[{"0":0.25,"1":0.75}]"#), "\(text)")
        #expect(text.hasPrefix(#"{"model_name":"m","id":"r","outputs":["#))
    }
}
