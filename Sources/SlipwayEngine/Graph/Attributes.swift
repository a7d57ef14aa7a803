public import SlipwayTensor

/// One ONNX node attribute value.
public enum AttributeValue: Sendable {
    case int(Int)
    case float(Float)
    case string(String)
    case tensor(Tensor)
    case graph(Graph)
    case ints([Int])
    case floats([Float])
    case strings([String])
    case tensors([Tensor])
    case graphs([Graph])
    case type(ValueType)
}

/// The attributes of a node, with typed accessors whose errors name the attribute.
public struct Attributes: Sendable {
    public var values: [String: AttributeValue]

    public init(_ values: [String: AttributeValue] = [:]) { self.values = values }

    public func has(_ name: String) -> Bool { values[name] != nil }

    public func int(_ name: String) throws(EngineError) -> Int? {
        switch values[name] {
        case nil: return nil
        case .int(let v): return v
        default: throw wrongType(name, "an int")
        }
    }

    public func int(_ name: String, default value: Int) throws(EngineError) -> Int {
        try int(name) ?? value
    }

    public func float(_ name: String) throws(EngineError) -> Float? {
        switch values[name] {
        case nil: return nil
        case .float(let v): return v
        case .int(let v): return Float(v)
        default: throw wrongType(name, "a float")
        }
    }

    public func float(_ name: String, default value: Float) throws(EngineError) -> Float {
        try float(name) ?? value
    }

    public func string(_ name: String) throws(EngineError) -> String? {
        switch values[name] {
        case nil: return nil
        case .string(let v): return v
        default: throw wrongType(name, "a string")
        }
    }

    public func string(_ name: String, default value: String) throws(EngineError) -> String {
        try string(name) ?? value
    }

    public func ints(_ name: String) throws(EngineError) -> [Int]? {
        switch values[name] {
        case nil: return nil
        case .ints(let v): return v
        case .int(let v): return [v]
        default: throw wrongType(name, "a list of ints")
        }
    }

    public func floats(_ name: String) throws(EngineError) -> [Float]? {
        switch values[name] {
        case nil: return nil
        case .floats(let v): return v
        case .float(let v): return [v]
        default: throw wrongType(name, "a list of floats")
        }
    }

    public func strings(_ name: String) throws(EngineError) -> [String]? {
        switch values[name] {
        case nil: return nil
        case .strings(let v): return v
        case .string(let v): return [v]
        default: throw wrongType(name, "a list of strings")
        }
    }

    public func tensor(_ name: String) throws(EngineError) -> Tensor? {
        switch values[name] {
        case nil: return nil
        case .tensor(let v): return v
        default: throw wrongType(name, "a tensor")
        }
    }

    public func graph(_ name: String) throws(EngineError) -> Graph? {
        switch values[name] {
        case nil: return nil
        case .graph(let v): return v
        default: throw wrongType(name, "a graph")
        }
    }

    /// Every subgraph held by any attribute (for free-variable analysis).
    public var subgraphs: [Graph] {
        values.values.flatMap { value -> [Graph] in
            switch value {
            case .graph(let g): [g]
            case .graphs(let gs): gs
            default: []
            }
        }
    }

    private func wrongType(_ name: String, _ expected: String) -> EngineError {
        .invalidModel("attribute '\(name)' must be \(expected)")
    }
}
