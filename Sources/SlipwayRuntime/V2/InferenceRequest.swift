public import SlipwayTensor

/// One input tensor of a KServe V2 inference request.
public struct InferenceInput: Sendable {
    public var name: String
    public var tensor: Tensor
    public var parameters: JSONValue?
}

/// An output the client asked for (`outputs` in the request).
public struct RequestedOutput: Sendable {
    public var name: String
    public var parameters: JSONValue?
}

/// A decoded KServe V2 / Open Inference Protocol inference request.
public struct InferenceRequest: Sendable {
    public var id: String?
    public var parameters: JSONValue?
    public var inputs: [InferenceInput]
    /// nil when the request names no outputs (then every output is returned).
    public var outputs: [RequestedOutput]?

    public init(id: String? = nil, parameters: JSONValue? = nil, inputs: [InferenceInput], outputs: [RequestedOutput]? = nil) {
        self.id = id
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
    }
}

extension InferenceRequest {
    /// Decodes a JSON request body. Tensor `data` (flat or nested, row-major) is scanned straight into
    /// typed storage. Unknown fields are ignored. Errors name the input and field at fault.
    public static func decode(json bytes: [UInt8]) throws(InferenceError) -> InferenceRequest {
        var binary: BinaryTensorData.Cursor? = nil
        return try decode(json: bytes, binary: &binary)
    }

    /// Decodes the JSON; inputs with `parameters.binary_data_size` take their bytes from `binary`, in order.
    static func decode(json bytes: [UInt8], binary: inout BinaryTensorData.Cursor?) throws(InferenceError) -> InferenceRequest {
        var scanner = JSONScanner(bytes)
        do {
            return try decodeRequest(&scanner, binary: &binary)
        } catch let e as InferenceError {
            throw e
        } catch let e as JSONSyntaxError {
            throw .badRequest("request body is not valid JSON: \(e)")
        } catch {
            throw .badRequest("\(error)")
        }
    }

    static func decodeRequest(_ s: inout JSONScanner, binary: inout BinaryTensorData.Cursor?) throws -> InferenceRequest {
        guard s.peek() == UInt8(ascii: "{") else { throw InferenceError.badRequest("request body must be a JSON object") }
        try s.expect(UInt8(ascii: "{"))
        var request = InferenceRequest(inputs: [])
        var sawInputs = false
        if !s.consume(UInt8(ascii: "}")) {
            repeat {
                let key = try s.parseString()
                try s.expect(UInt8(ascii: ":"))
                switch key {
                case "id":
                    let v = try s.parseValue()
                    switch v {
                    case .string(let id): request.id = id
                    case .null: request.id = nil
                    default: throw InferenceError.badRequest("field 'id' must be a string, got \(v.kindName)")
                    }
                case "parameters":
                    let v = try s.parseValue()
                    guard case .object = v else { throw InferenceError.badRequest("field 'parameters' must be an object") }
                    request.parameters = v
                case "inputs":
                    sawInputs = true
                    try s.expect(UInt8(ascii: "["))
                    if !s.consume(UInt8(ascii: "]")) {
                        repeat {
                            request.inputs.append(try decodeInput(&s, index: request.inputs.count, binary: &binary))
                        } while s.consume(UInt8(ascii: ","))
                        try s.expect(UInt8(ascii: "]"))
                    }
                case "outputs":
                    let v = try s.parseValue()
                    guard case .array(let list) = v else { throw InferenceError.badRequest("field 'outputs' must be an array") }
                    request.outputs = try list.enumerated().map { i, item in
                        guard let name = item["name"]?.stringValue else {
                            throw InferenceError.badRequest("outputs[\(i)] needs a string 'name'")
                        }
                        return RequestedOutput(name: name, parameters: item["parameters"])
                    }
                default:
                    try s.skipValue()
                }
            } while s.consume(UInt8(ascii: ","))
            try s.expect(UInt8(ascii: "}"))
        }
        s.skipWhitespace()
        guard s.offset == s.bytes.count else { throw InferenceError.badRequest("unexpected characters after the request object") }
        guard sawInputs else { throw InferenceError.badRequest("request has no 'inputs' field") }
        var seen = Set<String>()
        for input in request.inputs where !seen.insert(input.name).inserted {
            throw InferenceError.badRequest("input '\(input.name)' is given more than once")
        }
        return request
    }

    static func decodeInput(_ s: inout JSONScanner, index: Int, binary: inout BinaryTensorData.Cursor?) throws -> InferenceInput {
        try s.expect(UInt8(ascii: "{"))
        var name: String? = nil
        var shape: [Int]? = nil
        var datatype: DataType? = nil
        var parameters: JSONValue? = nil
        var data: (storage: TensorStorage, nestedShape: [Int])? = nil
        var deferredData: [UInt8]? = nil  // raw bytes of `data` seen before `datatype`
        let label = { (name: String?) in name.map { "input '\($0)'" } ?? "inputs[\(index)]" }
        if !s.consume(UInt8(ascii: "}")) {
            repeat {
                let key = try s.parseString()
                try s.expect(UInt8(ascii: ":"))
                switch key {
                case "name":
                    guard case .string(let n) = try s.parseValue() else {
                        throw InferenceError.badRequest("\(label(nil)): 'name' must be a string")
                    }
                    name = n
                case "shape":
                    guard case .array(let dims) = try s.parseValue() else {
                        throw InferenceError.badRequest("\(label(name)): 'shape' must be an array of integers")
                    }
                    shape = try dims.map { d in
                        guard let v = d.int64Value else {
                            throw InferenceError.badRequest("\(label(name)): 'shape' must be an array of integers")
                        }
                        guard v >= 0 else { throw InferenceError.badRequest("\(label(name)): shape dimension \(v) is negative") }
                        guard v <= Int64(Int32.max) else {
                            throw InferenceError.badRequest("\(label(name)): shape dimension \(v) is too large")
                        }
                        return Int(v)
                    }
                case "datatype":
                    guard case .string(let t) = try s.parseValue() else {
                        throw InferenceError.badRequest("\(label(name)): 'datatype' must be a string")
                    }
                    guard let d = DataType(v2Name: t) else {
                        throw InferenceError.badRequest("\(label(name)): unknown datatype '\(t)'")
                    }
                    datatype = d
                case "parameters":
                    parameters = try s.parseValue()
                case "data":
                    if let datatype {
                        data = try decodeData(&s, datatype, label(name), expected: shape.flatMap(Shape.elementCount) ?? 0)
                    } else {
                        let start = s.offset
                        try s.skipValue()
                        deferredData = Array(s.bytes[start..<s.offset])
                    }
                default:
                    try s.skipValue()
                }
            } while s.consume(UInt8(ascii: ","))
            try s.expect(UInt8(ascii: "}"))
        }
        guard let name else { throw InferenceError.badRequest("inputs[\(index)] needs a 'name'") }
        guard let datatype else { throw InferenceError.badRequest("input '\(name)' needs a 'datatype'") }
        guard let shape else { throw InferenceError.badRequest("input '\(name)' needs a 'shape'") }
        if data == nil, let deferredData {
            var inner = JSONScanner(deferredData)
            data = try decodeData(&inner, datatype, label(name))
        }
        guard let expected = Shape.elementCount(shape) else {
            throw InferenceError.badRequest("input '\(name)': shape \(shape) is too large")
        }
        if let size = parameters?["binary_data_size"] {
            guard data == nil else { throw InferenceError.badRequest("input '\(name)' has both 'data' and binary_data_size") }
            guard let n = size.int64Value, n >= 0, let count = Int(exactly: n) else {
                throw InferenceError.badRequest("input '\(name)': binary_data_size must be a non-negative integer")
            }
            guard binary != nil else {
                throw InferenceError.badRequest(
                    "input '\(name)' has binary_data_size but the request has no binary part (Inference-Header-Content-Length)")
            }
            guard let bytes = binary?.take(count) else {
                throw InferenceError.badRequest(
                    "input '\(name)': binary_data_size is \(count) bytes but only \(binary?.remaining ?? 0) binary bytes are left")
            }
            let storage = try BinaryTensorData.storage(bytes, datatype, count: expected, label: "input '\(name)'")
            data = (storage, [storage.count])
        }
        guard let data else {
            throw InferenceError.badRequest("input '\(name)' has no 'data'")
        }
        guard expected == data.storage.count else {
            throw InferenceError.badRequest(
                "input '\(name)': shape \(shape) holds \(expected) elements but 'data' has \(data.storage.count)")
        }
        return InferenceInput(name: name, tensor: Tensor(uncheckedShape: shape, storage: data.storage), parameters: parameters)
    }

    /// Scans `data` into storage of `datatype`, flat or nested.
    static func decodeData(_ s: inout JSONScanner, _ datatype: DataType, _ label: String, expected: Int = 0) throws -> (
        storage: TensorStorage, nestedShape: [Int]
    ) {
        if s.peek() != UInt8(ascii: "[") {
            // A bare scalar is accepted as one element.
            let wrapped = try s.parseValue()
            var inner = JSONScanner(Array("[".utf8) + encode(wrapped) + Array("]".utf8))
            return try decodeData(&inner, datatype, label)
        }
        var index = 0
        func numberError(_ index: Int, _ v: JSONValue) -> any Error {
            InferenceError.badRequest("\(label): data[\(index)] is \(v.kindName), expected a \(datatype.v2Name) value")
        }
        switch datatype {
        case .float32:
            var out: [Float] = []
            let shape = try s.scanNumbers(into: &out, reserving: expected, nonNumber: numberError)
            return (.float32(out), shape)
        case .float64:
            var out: [Double] = []
            let shape = try s.scanNumbers(into: &out, reserving: expected, nonNumber: numberError)
            return (.float64(out), shape)
        case .float16, .bfloat16:
            var out: [Float] = []
            let shape = try s.scanNumbers(into: &out, nonNumber: numberError)
            return (datatype == .float16 ? .float16(out.map { Float16($0) }) : .bfloat16(out.map { BFloat16($0) }), shape)
        case .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0, .uint4, .int4, .float4e2m1, .uint2, .int2:
            // Numbers round and saturate like ONNX Cast does.
            var out: [Double] = []
            let shape = try s.scanNumbers(into: &out, nonNumber: numberError)
            do {
                return (.lowPrecision(try LowPrecision.encode(out, to: datatype)), shape)
            } catch {
                throw InferenceError.badRequest("\(label): \(error)")
            }
        case .bool:
            var out: [Bool] = []
            let shape = try s.scanArray { s in
                let v = try s.parseValue()
                switch v {
                case .bool(let b): out.append(b)
                case .int(let i) where i == 0 || i == 1: out.append(i == 1)
                default: throw numberError(index, v)
                }
                index += 1
            }
            return (.bool(out), shape)
        case .string:
            var out: [String] = []
            let shape = try s.scanArray { s in
                let v = try s.parseValue()
                guard case .string(let str) = v else {
                    throw InferenceError.badRequest("\(label): data[\(index)] is \(v.kindName), expected a string (BYTES)")
                }
                out.append(str)
                index += 1
            }
            return (.string(out), shape)
        case .int64: return try integers(&s, Int64.self, label)
        case .int32: return try integers(&s, Int32.self, label)
        case .int16: return try integers(&s, Int16.self, label)
        case .int8: return try integers(&s, Int8.self, label)
        case .uint64: return try integers(&s, UInt64.self, label)
        case .uint32: return try integers(&s, UInt32.self, label)
        case .uint16: return try integers(&s, UInt16.self, label)
        case .uint8: return try integers(&s, UInt8.self, label)
        }
    }

    static func integers<T: IntegerElement>(_ s: inout JSONScanner, _: T.Type, _ label: String) throws -> (
        storage: TensorStorage, nestedShape: [Int]
    ) {
        var out: [T] = []
        var index = 0
        let shape = try s.scanArray { s in
            let v = try s.parseValue()
            let converted: T?
            switch v {
            case .int(let i): converted = T(exactly: i)
            case .uint(let u): converted = T(exactly: u)
            case .double(let d): converted = d.rounded() == d ? T(exactly: d) : nil
            default: converted = nil
            }
            guard let converted else {
                throw InferenceError.badRequest("\(label): data[\(index)] = \(v) is not a valid \(T.dataType.v2Name) value")
            }
            out.append(converted)
            index += 1
        }
        return (T.wrap(out), shape)
    }

    static func encode(_ v: JSONValue) -> [UInt8] {
        var w = JSONWriter()
        w.value(v)
        return w.bytes
    }
}
