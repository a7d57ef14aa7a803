public import SlipwayEngine
public import SlipwayTensor

/// A KServe V2 inference response: the model, the request id and the output values.
public struct InferenceResponse: Sendable {
    public var modelName: String
    public var modelVersion: String?
    public var id: String?
    public var parameters: JSONValue?
    public var outputs: [(name: String, value: Value)]

    public init(modelName: String, modelVersion: String? = nil, id: String? = nil, outputs: [(name: String, value: Value)]) {
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.id = id
        self.outputs = outputs
    }

    /// The response body as JSON: tensors with flat `data`; a sequence of maps (ZipMap) as a JSON array of
    /// objects whose keys are the map keys (int64 keys as decimal strings).
    public func encodeJSON() -> [UInt8] {
        var w = JSONWriter(capacity: 256 + outputs.reduce(0) { $0 + Self.estimatedSize($1.value) })
        writeHead(&w)
        for (i, output) in outputs.enumerated() {
            if i > 0 { w.raw(",") }
            Self.writeOutput(&w, name: output.name, value: output.value)
        }
        w.raw("]}")
        return w.bytes
    }

    /// Writes everything before the outputs: `{"model_name":…,"model_version":…,"id":…,"parameters":…,"outputs":[`.
    func writeHead(_ w: inout JSONWriter) {
        w.raw("{\"model_name\":")
        w.string(modelName)
        if let modelVersion {
            w.raw(",\"model_version\":")
            w.string(modelVersion)
        }
        if let id {
            w.raw(",\"id\":")
            w.string(id)
        }
        if let parameters {
            w.raw(",\"parameters\":")
            w.value(parameters)
        }
        w.raw(",\"outputs\":[")
    }

    static func estimatedSize(_ value: Value) -> Int {
        if case .tensor(let t) = value { return t.count * 12 + 64 }
        return 256
    }

    static func writeOutput(_ w: inout JSONWriter, name: String, value: Value) {
        w.raw("{\"name\":")
        w.string(name)
        writeFields(&w, value)
        w.raw("}")
    }

    /// Writes `,"datatype":…,"shape":…,"data":…` for a value.
    static func writeFields(_ w: inout JSONWriter, _ value: Value) {
        switch value {
        case .tensor(let t):
            w.raw(",\"datatype\":")
            w.string(t.dataType.v2Name)
            writeShape(&w, t.shape)
            w.raw(",\"data\":")
            writeData(&w, t)
        case .sequence(let seq):
            if case .map(let key, let valueType) = seq.elementType {
                w.raw(",\"datatype\":")
                w.string(valueType.tensorDataType?.v2Name ?? "BYTES")
                writeShape(&w, [seq.elements.count])
                w.raw(",\"map_key_type\":")
                w.string(key.v2Name)
                w.raw(",\"map_value_type\":")
                w.string(valueType.tensorDataType?.v2Name ?? "BYTES")
                w.raw(",\"data\":[")
                for (i, element) in seq.elements.enumerated() {
                    if i > 0 { w.raw(",") }
                    if case .map(let m) = element { writeMap(&w, m) } else { w.raw("null") }
                }
                w.raw("]")
            } else {
                w.raw(",\"datatype\":")
                w.string(seq.elementType.tensorDataType?.v2Name ?? "BYTES")
                writeShape(&w, [seq.elements.count])
                w.raw(",\"data\":[")
                for (i, element) in seq.elements.enumerated() {
                    if i > 0 { w.raw(",") }
                    if case .tensor(let t) = element {
                        w.raw("{\"shape\":")
                        writeInts(&w, t.shape)
                        w.raw(",\"data\":")
                        writeData(&w, t)
                        w.raw("}")
                    } else {
                        w.raw("null")
                    }
                }
                w.raw("]")
            }
        case .map(let m):
            w.raw(",\"datatype\":")
            w.string(m.values.dataType.v2Name)
            writeShape(&w, [1])
            w.raw(",\"data\":[")
            writeMap(&w, m)
            w.raw("]")
        case .optional(let inner, _):
            if let inner {
                writeFields(&w, inner)
            } else {
                w.raw(",\"datatype\":\"BYTES\",\"shape\":[0],\"data\":[]")
            }
        }
    }

    static func writeShape(_ w: inout JSONWriter, _ shape: [Int]) {
        w.raw(",\"shape\":")
        writeInts(&w, shape)
    }

    static func writeInts(_ w: inout JSONWriter, _ values: [Int]) {
        w.raw("[")
        for (i, d) in values.enumerated() {
            if i > 0 { w.raw(",") }
            w.number(d)
        }
        w.raw("]")
    }

    static func writeMap(_ w: inout JSONWriter, _ m: MapValue) {
        w.raw("{")
        let values = m.values
        switch m.keys {
        case .int64(let keys):
            for (i, k) in keys.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(String(k))
                w.raw(":")
                writeElement(&w, values, i)
            }
        case .string(let keys):
            for (i, k) in keys.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(k)
                w.raw(":")
                writeElement(&w, values, i)
            }
        }
        w.raw("}")
    }

    static func writeElement(_ w: inout JSONWriter, _ t: Tensor, _ i: Int) {
        guard i < t.count else {
            w.raw("null")
            return
        }
        switch t.storage {
        case .float32(let a): w.number(a[i])
        case .float64(let a): w.number(a[i])
        case .int64(let a): w.number(a[i])
        case .string(let a): w.string(a[i])
        default:
            if let d = t.doubles() { w.number(d[i]) } else { w.raw("null") }
        }
    }

    /// Writes a tensor's elements as a flat JSON array.
    public static func writeData(_ w: inout JSONWriter, _ t: Tensor) {
        w.raw("[")
        func each<T>(_ a: [T], _ body: (inout JSONWriter, T) -> Void) {
            for (i, v) in a.enumerated() {
                if i > 0 { w.bytes.append(UInt8(ascii: ",")) }
                body(&w, v)
            }
        }
        switch t.storage {
        case .float32(let a): each(a) { $0.number($1) }
        case .float64(let a): each(a) { $0.number($1) }
        case .float16(let a): each(a) { $0.number(Float($1)) }
        case .bfloat16(let a): each(a) { $0.number($1.floatValue) }
        case .int8(let a): each(a) { $0.number($1) }
        case .int16(let a): each(a) { $0.number($1) }
        case .int32(let a): each(a) { $0.number($1) }
        case .int64(let a): each(a) { $0.number($1) }
        case .uint8(let a): each(a) { $0.number($1) }
        case .uint16(let a): each(a) { $0.number($1) }
        case .uint32(let a): each(a) { $0.number($1) }
        case .uint64(let a): each(a) { $0.number($1) }
        case .bool(let a): each(a) { $0.bool($1) }
        case .string(let a): each(a) { $0.string($1) }
        case .lowPrecision(let s):
            if let integers = s.integers() { each(integers) { $0.number($1) } } else { each(s.floats()) { $0.number($1) } }
        }
        w.raw("]")
    }
}
