import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// Helpers for the ai.onnx.ml operator tests.
enum ML {
    static func config(_ op: String, opset: Int = 1, inputs: Int = 1, outputs: Int = 1, _ attributes: [String: AttributeValue])
        -> OperatorConfiguration
    {
        OperatorHarness.configuration(op, opset: opset, domain: "ai.onnx.ml", attributes: attributes, inputs: inputs, outputs: outputs)
    }

    static func floats(_ shape: [Int], _ values: [Float]) -> Value { .tensor(Tensor(uncheckedShape: shape, storage: .float32(values))) }

    static func tensor(_ value: Value) throws -> Tensor {
        guard case .tensor(let t) = value else { throw EngineError.runtime("expected a tensor, got \(value.type)") }
        return t
    }

    static func floatValues(_ value: Value) throws -> [Float] {
        guard let f = try tensor(value).elements(as: Float.self) else { throw EngineError.runtime("not float") }
        return f
    }

    static func int64Values(_ value: Value) throws -> [Int64] {
        guard let f = try tensor(value).elements(as: Int64.self) else { throw EngineError.runtime("not int64") }
        return f
    }

    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    static func ints(_ v: [Int]) -> AttributeValue { .ints(v) }
    static func floatsAttr(_ v: [Float]) -> AttributeValue { .floats(v) }
    static func strings(_ v: [String]) -> AttributeValue { .strings(v) }
}
