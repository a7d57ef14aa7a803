import SlipwayRegistry
import SlipwayRuntime

/// The V2 metadata and health bodies, written with the runtime's `JSONWriter` (no Codable on the wire).
enum V2Metadata {
    /// The Triton-style platform string of every Slipway model.
    static let platform = "onnxruntime_onnx"

    /// `{"name","version","extensions":[...]}` (`GET /v2`).
    static func server(name: String, version: String, extensions: [String]) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"name\":")
        w.string(name)
        w.raw(",\"version\":")
        w.string(version)
        w.raw(",\"extensions\":[")
        for (i, e) in extensions.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(e)
        }
        w.raw("]}")
        return w.bytes
    }

    /// `{"name","versions","platform","inputs":[{"name","datatype","shape"}],"outputs":[...]}`; dynamic
    /// dimensions are -1; a value of unknown rank has shape `[-1]`.
    static func model(_ m: ModelMetadata) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"name\":")
        w.string(m.name)
        w.raw(",\"versions\":[")
        for (i, v) in m.versions.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(v)
        }
        w.raw("],\"platform\":")
        w.string(platform)
        for (key, list) in [("inputs", m.inputs), ("outputs", m.outputs)] {
            w.raw(",\"\(key)\":[")
            for (i, t) in list.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"name\":")
                w.string(t.name)
                w.raw(",\"datatype\":")
                w.string(t.datatype)
                w.raw(",\"shape\":[")
                for (j, d) in (t.shape ?? [-1]).enumerated() {
                    if j > 0 { w.raw(",") }
                    w.number(d < 0 ? -1 : d)
                }
                w.raw("]}")
            }
            w.raw("]")
        }
        w.raw("}")
        return w.bytes
    }

    /// `{"name","ready":true}` (`GET /v2/models/NAME/ready`).
    static func modelReady(name: String) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"name\":")
        w.string(name)
        w.raw(",\"ready\":true}")
        return w.bytes
    }
}
