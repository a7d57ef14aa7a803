public import Foundation
import SlipwayONNX
public import SlipwayTensor
import SwiftProtobuf

/// Builds small ONNX models in code, so tests generate their fixtures instead of copying files in.
public struct ONNXModelBuilder {
    public enum Attribute {
        case int(Int)
        case float(Float)
        case string(String)
        case ints([Int])
        case floats([Float])
        case strings([String])
        case tensor(Tensor)
    }

    /// A dimension of a declared shape: a number or a symbolic name.
    public enum Dimension: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
        case fixed(Int)
        case symbol(String)
        public init(integerLiteral value: Int) { self = .fixed(value) }
        public init(stringLiteral value: String) { self = .symbol(value) }
    }

    var model = Onnx_ModelProto()

    public init(opsets: [String: Int] = ["": 17], producer: String = "slipway-tests") {
        model.irVersion = 8
        model.producerName = producer
        model.graph.name = "test_graph"
        model.opsetImport = opsets.sorted { $0.key < $1.key }.map { domain, version in
            var o = Onnx_OperatorSetIdProto()
            o.domain = domain
            o.version = Int64(version)
            return o
        }
    }

    static func valueInfo(_ name: String, _ type: DataType, _ shape: [Dimension]?) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(type.onnxCode)
        if let shape {
            var s = Onnx_TensorShapeProto()
            s.dim = shape.map { d in
                var dim = Onnx_TensorShapeProto.Dimension()
                switch d {
                case .fixed(let v): dim.dimValue = Int64(v)
                case .symbol(let n): dim.dimParam = n
                }
                return dim
            }
            tensorType.shape = s
        }
        info.type.tensorType = tensorType
        return info
    }

    public mutating func input(_ name: String, _ type: DataType, _ shape: [Dimension]?) {
        model.graph.input.append(Self.valueInfo(name, type, shape))
    }

    public mutating func output(_ name: String, _ type: DataType, _ shape: [Dimension]? = nil) {
        model.graph.output.append(Self.valueInfo(name, type, shape))
    }

    public mutating func initializer(_ name: String, _ tensor: Tensor) {
        model.graph.initializer.append(tensor.proto(name: name))
    }

    /// Files to write beside the model (external tensor data), by relative name.
    var sideFiles: [String: Data] = [:]

    /// An initializer whose bytes live in `file` beside the model (ONNX external data), at `offset`.
    public mutating func externalInitializer(_ name: String, _ tensor: Tensor, file: String, offset: Int = 0, location: String? = nil) {
        var proto = tensor.proto(name: name)
        var bytes = sideFiles[file] ?? Data()
        if bytes.count < offset { bytes.append(Data(count: offset - bytes.count)) }
        bytes.append(proto.rawData)
        sideFiles[file] = bytes
        proto.rawData = Data()
        proto.clearRawData()
        proto.dataLocation = .external
        proto.externalData = [
            ("location", location ?? file), ("offset", "\(offset)"), ("length", "\(tensor.count * (tensor.dataType.byteWidth ?? 1))"),
        ].map {
            var entry = Onnx_StringStringEntryProto()
            entry.key = $0.0
            entry.value = $0.1
            return entry
        }
        model.graph.initializer.append(proto)
    }

    /// Adds a model-local function `domain.name(inputs) -> outputs` whose body is `body`'s nodes.
    public mutating func function(
        _ name: String, domain: String, inputs: [String], outputs: [String], attributes: [String] = [], body: ONNXModelBuilder
    ) {
        var f = Onnx_FunctionProto()
        f.name = name
        f.domain = domain
        f.input = inputs
        f.output = outputs
        f.attribute = attributes
        f.node = body.model.graph.node
        f.opsetImport = model.opsetImport
        model.functions.append(f)
    }

    public mutating func node(
        _ opType: String, domain: String = "", inputs: [String], outputs: [String], name: String = "",
        attributes: [String: Attribute] = [:]
    ) {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.domain = domain
        node.input = inputs
        node.output = outputs
        node.name = name
        node.attribute = attributes.sorted { $0.key < $1.key }.map { key, value in
            var a = Onnx_AttributeProto()
            a.name = key
            switch value {
            case .int(let v):
                a.type = .int
                a.i = Int64(v)
            case .float(let v):
                a.type = .float
                a.f = v
            case .string(let v):
                a.type = .string
                a.s = Data(v.utf8)
            case .ints(let v):
                a.type = .ints
                a.ints = v.map { Int64($0) }
            case .floats(let v):
                a.type = .floats
                a.floats = v
            case .strings(let v):
                a.type = .strings
                a.strings = v.map { Data($0.utf8) }
            case .tensor(let t):
                a.type = .tensor
                a.t = t.proto()
            }
            return a
        }
        model.graph.node.append(node)
    }

    /// The serialized model.
    public func data() throws -> Data { try model.serializedData() }

    /// Writes the model to a new temporary file and returns its URL.
    public func write(name: String = "model") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("\(name).onnx")
        try data().write(to: url)
        for (file, bytes) in sideFiles { try bytes.write(to: dir.appendingPathComponent(file)) }
        return url
    }
}
