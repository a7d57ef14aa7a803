public import SlipwayTensor

/// One dimension of a statically known shape.
public enum Dim: Sendable, Hashable, CustomStringConvertible {
    /// A known size.
    case fixed(Int)
    /// A named symbolic size (`batch`, `N`) that is the same wherever the name appears.
    case symbol(String)
    /// A size nothing is known about.
    case unknown

    public var value: Int? {
        if case .fixed(let v) = self { return v }
        return nil
    }

    public var description: String {
        switch self {
        case .fixed(let v): "\(v)"
        case .symbol(let s): s
        case .unknown: "?"
        }
    }
}

/// What is known about a value before running: its type, its (possibly symbolic) shape, maybe its value.
public struct ValueFact: Sendable, CustomStringConvertible {
    public var type: ValueType
    /// The tensor shape; `nil` when even the rank is unknown (and always for non-tensors).
    public var shape: [Dim]?
    /// The value, when it is a constant known at load time.
    public var constant: Value?

    public init(type: ValueType, shape: [Dim]? = nil, constant: Value? = nil) {
        self.type = type
        self.shape = shape
        self.constant = constant
    }

    public init(_ dataType: DataType, shape: [Dim]?) {
        self.init(type: .tensor(dataType), shape: shape)
    }

    /// The fact for a known constant.
    public init(constant value: Value) {
        var shape: [Dim]? = nil
        if case .tensor(let t) = value { shape = t.shape.map { .fixed($0) } }
        self.init(type: value.type, shape: shape, constant: value)
    }

    public var dataType: DataType? { type.tensorDataType }
    public var rank: Int? { shape?.count }
    public var constantTensor: Tensor? { constant?.tensor }

    /// The shape as plain integers when every dimension is known.
    public var concreteShape: [Int]? {
        guard let shape else { return nil }
        var dims: [Int] = []
        for d in shape {
            guard let v = d.value else { return nil }
            dims.append(v)
        }
        return dims
    }

    public var description: String {
        if let shape { return "\(type)[\(shape.map(\.description).joined(separator: ","))]" }
        return "\(type)"
    }
}

extension Dim {
    /// Broadcasts two dimensions; nil when both are known, differ and neither is 1.
    public static func broadcast(_ a: Dim, _ b: Dim) -> Dim? {
        switch (a, b) {
        case (.fixed(1), _): return b
        case (_, .fixed(1)): return a
        case (.fixed(let x), .fixed(let y)): return x == y ? a : nil
        case (.fixed, _): return a
        case (_, .fixed): return b
        case (.symbol(let x), .symbol(let y)) where x == y: return a
        default: return .unknown
        }
    }

    /// Broadcasts symbolic shapes; nil when they certainly do not broadcast.
    public static func broadcast(_ shapes: [[Dim]]) -> [Dim]? {
        let rank = shapes.map(\.count).max() ?? 0
        var result = Array(repeating: Dim.fixed(1), count: rank)
        for shape in shapes {
            let offset = rank - shape.count
            for (i, d) in shape.enumerated() {
                guard let merged = broadcast(result[offset + i], d) else { return nil }
                result[offset + i] = merged
            }
        }
        return result
    }
}
