public import SlipwayTensor

/// A runtime value flowing along a graph edge: a tensor, a sequence, a map or an optional.
public indirect enum Value: Sendable {
    case tensor(Tensor)
    case sequence(SequenceValue)
    case map(MapValue)
    /// An ONNX optional; `nil` is the empty optional, whose element type is kept in `ValueType`.
    case optional(Value?, ValueType)

    /// The tensor inside, or nil.
    public var tensor: Tensor? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    /// The type of this value (sequences and empty optionals carry theirs).
    public var type: ValueType {
        switch self {
        case .tensor(let t): .tensor(t.dataType)
        case .sequence(let s): .sequence(s.elementType)
        case .map(let m): .map(key: m.keyType, value: .tensor(m.values.dataType))
        case .optional(_, let element): .optional(element)
        }
    }
}

/// An ONNX sequence: an ordered list of values of one type.
public struct SequenceValue: Sendable {
    public var elementType: ValueType
    public var elements: [Value]
    public init(elementType: ValueType, elements: [Value]) {
        self.elementType = elementType
        self.elements = elements
    }
}

/// An ONNX map: keys of one type (int64 or string) and a 1-D tensor of values in the same order.
public struct MapValue: Sendable {
    public enum Keys: Sendable {
        case int64([Int64])
        case string([String])
    }
    public var keys: Keys
    public var values: Tensor
    public init(keys: Keys, values: Tensor) {
        self.keys = keys
        self.values = values
    }
    public var keyType: DataType {
        switch keys {
        case .int64: .int64
        case .string: .string
        }
    }
}

/// The static type of a value, as in ONNX `TypeProto`.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case tensor(DataType)
    case sequence(ValueType)
    case map(key: DataType, value: ValueType)
    case optional(ValueType)

    public var description: String {
        switch self {
        case .tensor(let d): "tensor(\(d))"
        case .sequence(let e): "seq(\(e))"
        case .map(let k, let v): "map(\(k),\(v))"
        case .optional(let e): "optional(\(e))"
        }
    }

    /// The element type when this is a tensor type.
    public var tensorDataType: DataType? {
        if case .tensor(let d) = self { return d }
        return nil
    }
}
