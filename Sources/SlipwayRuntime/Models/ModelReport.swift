public import SlipwayEngine
import SlipwayONNX
import SlipwayTensor

/// What `slipway inspect` prints about a model: signature, opsets, operators, size, producer.
public struct ModelReport: Sendable {
    public struct Tensor: Sendable {
        public var name: String
        /// KServe V2 datatype name, or the ONNX type text for non-tensors (`seq(map(int64,tensor(float)))`).
        public var datatype: String
        /// Dimensions: a number, or a symbolic name; `nil` when the rank is unknown.
        public var dims: [Dim]?
    }

    public var name: String
    public var inputs: [Tensor]
    public var outputs: [Tensor]
    public var opsets: [(domain: String, version: Int)]
    public var operators: [(op: String, count: Int)]
    public var parameterCount: Int
    public var fileSize: Int
    public var producer: String
    public var irVersion: Int

    public init(_ model: LoadedModel) {
        func describe(_ info: ValueInfo) -> Tensor {
            let datatype: String
            switch info.type {
            case .tensor(let d)?: datatype = d.v2Name
            case let other?: datatype = other.description
            case nil: datatype = "UNKNOWN"
            }
            return Tensor(name: info.name, datatype: datatype, dims: info.type?.tensorDataType == nil ? nil : info.shape)
        }
        let metadata = model.model.metadata
        name = model.name
        inputs = model.plan.inputs.map(describe)
        outputs = model.plan.outputs.map(describe)
        opsets = metadata.opsetImports.map { (domain: $0.key.isEmpty ? "ai.onnx" : $0.key, version: $0.value) }
            .sorted { $0.domain < $1.domain }
        operators = metadata.operatorHistogram.map { (op: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.op < $1.op }
        parameterCount = metadata.parameterCount
        fileSize = metadata.fileSize
        producer = [metadata.producerName, metadata.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        irVersion = metadata.irVersion
    }

    /// JSON: `{"name","inputs":[{"name","datatype","shape","dims"}],"outputs":[…],"opsets":{…},
    /// "operators":{…},"parameter_count","file_size","producer","ir_version"}`; `shape` uses -1 for
    /// every dimension that is not fixed, `dims` keeps symbolic names.
    public func json() -> String {
        var w = JSONWriter()
        w.raw("{\"name\":")
        w.string(name)
        for (key, list) in [("inputs", inputs), ("outputs", outputs)] {
            w.raw(",\"\(key)\":[")
            for (i, t) in list.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"name\":")
                w.string(t.name)
                w.raw(",\"datatype\":")
                w.string(t.datatype)
                if let dims = t.dims {
                    w.raw(",\"shape\":[")
                    w.raw(dims.map { $0.value.map(String.init) ?? "-1" }.joined(separator: ","))
                    w.raw("],\"dims\":[")
                    for (j, d) in dims.enumerated() {
                        if j > 0 { w.raw(",") }
                        switch d {
                        case .fixed(let v): w.number(v)
                        case .symbol(let s): w.string(s)
                        case .unknown: w.number(-1)
                        }
                    }
                    w.raw("]")
                } else {
                    w.raw(",\"shape\":null,\"dims\":null")
                }
                w.raw("}")
            }
            w.raw("]")
        }
        w.raw(",\"opsets\":{")
        for (i, o) in opsets.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(o.domain)
            w.raw(":")
            w.number(o.version)
        }
        w.raw("},\"operators\":{")
        for (i, o) in operators.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(o.op)
            w.raw(":")
            w.number(o.count)
        }
        w.raw("},\"parameter_count\":")
        w.number(parameterCount)
        w.raw(",\"file_size\":")
        w.number(fileSize)
        w.raw(",\"producer\":")
        w.string(producer)
        w.raw(",\"ir_version\":")
        w.number(irVersion)
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// A human-readable table.
    public func text() -> String {
        func shapeText(_ dims: [Dim]?) -> String {
            guard let dims else { return "?" }
            return "["
                + dims.map { d in
                    switch d {
                    case .fixed(let v): "\(v)"
                    case .symbol(let s): s
                    case .unknown: "-1"
                    }
                }.joined(separator: ", ") + "]"
        }
        var lines: [String] = []
        lines.append("model       \(name)")
        lines.append("producer    \(producer.isEmpty ? "-" : producer) (IR \(irVersion))")
        lines.append("opsets      " + opsets.map { "\($0.domain) \($0.version)" }.joined(separator: ", "))
        lines.append("parameters  \(parameterCount)")
        lines.append("file size   \(fileSize) bytes")
        lines.append("inputs")
        for t in inputs { lines.append("  \(t.name)  \(t.datatype)  \(shapeText(t.dims))") }
        lines.append("outputs")
        for t in outputs { lines.append("  \(t.name)  \(t.datatype)  \(shapeText(t.dims))") }
        lines.append("operators")
        for o in operators { lines.append("  \(o.count)  \(o.op)") }
        return lines.joined(separator: "\n")
    }
}
