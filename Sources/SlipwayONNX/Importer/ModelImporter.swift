public import Foundation
public import SlipwayEngine
import SlipwayTensor
import SwiftProtobuf

/// Facts about a model file, for `slipway inspect` and the registry.
public struct ModelMetadata: Sendable {
    public var irVersion: Int
    public var producerName: String
    public var producerVersion: String
    public var modelVersion: Int
    public var docString: String
    /// Opset version per domain (`""` is the default ONNX domain).
    public var opsetImports: [String: Int]
    /// How many nodes of each operator (`domain:op` for non-default domains), subgraphs included.
    public var operatorHistogram: [String: Int]
    /// Elements in all initializers (subgraphs included).
    public var parameterCount: Int
    /// Bytes of the `.onnx` file (0 when loaded from memory).
    public var fileSize: Int
    /// `metadata_props` key/value pairs.
    public var properties: [String: String]
}

/// A loaded ONNX model: the engine graph and its metadata. Call ``plan(options:)`` to validate and run it.
public struct ONNXModel: Sendable {
    public var graph: Graph
    public var metadata: ModelMetadata

    /// Validates the graph and builds its execution plan (see `Plan.compile`).
    public func plan(options: PlanOptions = PlanOptions()) throws -> Plan {
        try Plan.compile(graph, options: options)
    }
}

/// Reads ONNX protobuf into engine graphs, resolving every node through an ``OperatorRegistry``.
public struct ModelImporter: Sendable {
    public var registry: OperatorRegistry

    public init(registry: OperatorRegistry = .standard) { self.registry = registry }

    /// Loads a `.onnx` file; external tensor data is read from files beside it.
    public func load(contentsOf url: URL) throws -> ONNXModel {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EngineError.invalidModel("cannot read model file '\(url.path)': \(error.localizedDescription)")
        }
        var model = try load(data: data, baseDirectory: url.deletingLastPathComponent())
        model.metadata.fileSize = data.count
        return model
    }

    /// Loads a serialized `ModelProto`.
    public func load(data: Data, baseDirectory: URL? = nil) throws -> ONNXModel {
        guard !data.isEmpty else { throw EngineError.invalidModel("the model file is empty") }
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw EngineError.invalidModel("not a valid ONNX model (protobuf decoding failed: \(error)); is the file truncated?")
        }
        return try load(proto: proto, baseDirectory: baseDirectory)
    }

    /// Converts a decoded `ModelProto`.
    public func load(proto: Onnx_ModelProto, baseDirectory: URL? = nil) throws -> ONNXModel {
        guard proto.hasGraph else { throw EngineError.invalidModel("not a valid ONNX model: it has no graph") }
        var opsets: [String: Int] = [:]
        for entry in proto.opsetImport {
            let domain = OperatorRegistry.canonicalDomain(entry.domain)
            opsets[domain] = max(opsets[domain] ?? 0, Int(entry.version))
        }
        if proto.opsetImport.isEmpty, proto.irVersion < 3 { opsets[""] = 1 }
        var context = ImportContext(
            registry: registry, opsets: opsets, baseDirectory: baseDirectory,
            functions: Dictionary(
                proto.functions.map { (FunctionKey(domain: OperatorRegistry.canonicalDomain($0.domain), name: $0.name), $0) },
                uniquingKeysWith: { a, _ in a }))
        let graph = try context.graph(proto.graph)
        if !context.unsupported.isEmpty {
            let list = context.unsupported.joined(separator: "; ")
            throw EngineError(.unsupportedOperator, "the model uses \(context.unsupported.count) unsupported node(s): \(list)")
        }
        var properties: [String: String] = [:]
        for p in proto.metadataProps { properties[p.key] = p.value }
        let metadata = ModelMetadata(
            irVersion: Int(proto.irVersion), producerName: proto.producerName, producerVersion: proto.producerVersion,
            modelVersion: Int(proto.modelVersion), docString: proto.docString, opsetImports: opsets,
            operatorHistogram: context.histogram, parameterCount: context.parameterCount, fileSize: 0, properties: properties)
        return ONNXModel(graph: graph, metadata: metadata)
    }
}

struct FunctionKey: Hashable {
    var domain: String
    var name: String
}

/// State while converting one model: collects every unsupported node instead of stopping at the first.
struct ImportContext {
    let registry: OperatorRegistry
    let opsets: [String: Int]
    let baseDirectory: URL?
    let functions: [FunctionKey: Onnx_FunctionProto]
    var unsupported: [String] = []
    var histogram: [String: Int] = [:]
    var parameterCount = 0
    var functionExpansions = 0

    mutating func graph(_ proto: Onnx_GraphProto) throws -> Graph {
        var initializers: [String: Value] = [:]
        for t in proto.initializer {
            let tensor: Tensor
            do {
                tensor = try Tensor(proto: t, baseDirectory: baseDirectory)
            } catch let error as EngineError {
                throw error.prefixed("initializer '\(t.name)'")
            }
            parameterCount += tensor.count
            initializers[t.name] = .tensor(tensor)
        }
        if !proto.sparseInitializer.isEmpty {
            unsupported.append("graph '\(proto.name)' has sparse initializers")
        }
        let inputs = try proto.input.map { try ValueInfo(proto: $0) }
        let outputs = try proto.output.map { try ValueInfo(proto: $0) }
        var nodes: [Node] = []
        for (index, nodeProto) in proto.node.enumerated() {
            nodes += try self.nodes(nodeProto, index: index)
        }
        return Graph(name: proto.name, inputs: inputs, outputs: outputs, initializers: initializers, nodes: nodes)
    }

    /// Converts one node (a model-local function call expands into its body).
    mutating func nodes(_ proto: Onnx_NodeProto, index: Int) throws -> [Node] {
        let domain = OperatorRegistry.canonicalDomain(proto.domain)
        let key = domain.isEmpty ? proto.opType : "\(domain):\(proto.opType)"
        histogram[key, default: 0] += 1
        let nameForErrors = proto.name.isEmpty ? "#\(index)" : "'\(proto.name)'"
        if let function = functions[FunctionKey(domain: domain, name: proto.opType)] {
            return try expand(function, call: proto)
        }
        var attributes = Attributes()
        for attribute in proto.attribute {
            do {
                attributes.values[attribute.name] = try self.attribute(attribute)
            } catch let error as EngineError {
                throw error.prefixed("node \(nameForErrors) (\(proto.opType)) attribute '\(attribute.name)'")
            }
        }
        guard let opset = opsets[domain] else {
            unsupported.append("node \(nameForErrors) (\(key)): the model imports no opset for domain '\(domain.isEmpty ? "ai.onnx" : domain)'")
            return []
        }
        guard let build = registry.builder(opType: proto.opType, domain: domain, opset: opset) else {
            if registry.knows(opType: proto.opType, domain: domain) {
                unsupported.append("node \(nameForErrors) (\(key)) at opset \(opset)")
            } else {
                unsupported.append("node \(nameForErrors) (\(key))")
            }
            return []
        }
        let configuration = OperatorConfiguration(
            nodeName: proto.name, opType: proto.opType, domain: domain, opsetVersion: opset, attributes: attributes,
            inputCount: proto.input.count, outputCount: proto.output.count)
        let op: any Operator
        do {
            op = try build(configuration)
        } catch let error as EngineError {
            throw error.prefixed("node \(nameForErrors) (\(key))")
        } catch {
            throw EngineError.invalidModel("node \(nameForErrors) (\(key)): \(error)")
        }
        return [
            Node(
                name: proto.name, opType: proto.opType, domain: domain, inputs: proto.input, outputs: proto.output,
                attributes: attributes, op: op)
        ]
    }

    mutating func attribute(_ a: Onnx_AttributeProto) throws -> AttributeValue {
        switch a.type {
        case .float: return .float(a.f)
        case .int: return .int(Int(a.i))
        case .string: return .string(String(decoding: a.s, as: UTF8.self))
        case .tensor: return .tensor(try Tensor(proto: a.t, baseDirectory: baseDirectory))
        case .graph: return .graph(try graph(a.g))
        case .floats: return .floats(a.floats)
        case .ints: return .ints(a.ints.map { Int($0) })
        case .strings: return .strings(a.strings.map { String(decoding: $0, as: UTF8.self) })
        case .tensors: return .tensors(try a.tensors.map { try Tensor(proto: $0, baseDirectory: baseDirectory) })
        case .graphs: return .graphs(try a.graphs.map { try graph($0) })
        case .typeProto:
            guard let t = ValueType(proto: a.tp) else { throw EngineError(.unsupportedOperator, "unsupported type") }
            return .type(t)
        case .sparseTensor, .sparseTensors:
            throw EngineError(.unsupportedOperator, "sparse tensor attributes are not supported")
        default:
            // Older exporters leave `type` unset; infer it from the field that is filled.
            if a.hasF { return .float(a.f) }
            if a.hasI { return .int(Int(a.i)) }
            if a.hasS { return .string(String(decoding: a.s, as: UTF8.self)) }
            if a.hasT { return .tensor(try Tensor(proto: a.t, baseDirectory: baseDirectory)) }
            if a.hasG { return .graph(try graph(a.g)) }
            if !a.floats.isEmpty { return .floats(a.floats) }
            if !a.ints.isEmpty { return .ints(a.ints.map { Int($0) }) }
            if !a.strings.isEmpty { return .strings(a.strings.map { String(decoding: $0, as: UTF8.self) }) }
            throw EngineError.invalidModel("attribute has no type and no value")
        }
    }

    /// Inlines a model-local function: its body's values are renamed apart, formal inputs and outputs
    /// bound to the call's, attribute references resolved against the call's attributes.
    mutating func expand(_ function: Onnx_FunctionProto, call: Onnx_NodeProto) throws -> [Node] {
        functionExpansions += 1
        guard functionExpansions < 10_000 else {
            throw EngineError.invalidModel("function '\(function.name)' expands recursively")
        }
        let prefix = "__fn\(functionExpansions)_\(function.name)_"
        var rename: [String: String] = ["": ""]
        for (i, formal) in function.input.enumerated() { rename[formal] = i < call.input.count ? call.input[i] : "" }
        for (i, formal) in function.output.enumerated() { rename[formal] = i < call.output.count ? call.output[i] : "" }
        func mapped(_ name: String) -> String { rename[name] ?? (prefix + name) }
        var callAttributes: [String: Onnx_AttributeProto] = [:]
        for a in call.attribute { callAttributes[a.name] = a }
        for a in function.attributeProto where callAttributes[a.name] == nil { callAttributes[a.name] = a }
        var result: [Node] = []
        for (i, var node) in function.node.enumerated() {
            node.input = node.input.map(mapped)
            node.output = node.output.map(mapped)
            node.attribute = node.attribute.compactMap { a in
                guard !a.refAttrName.isEmpty else { return a }
                guard var bound = callAttributes[a.refAttrName] else { return nil }
                bound.name = a.name
                return bound
            }
            result += try nodes(node, index: i)
        }
        return result
    }
}
