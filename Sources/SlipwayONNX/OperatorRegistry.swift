public import SlipwayEngine

/// Maps (domain, op type, opset) to a builder that makes the operator from its node.
///
/// An immutable value, built once (``standard``) and passed to the importer; families register
/// themselves in `Builders/<Family>Builders.swift`.
public struct OperatorRegistry: Sendable {
    public typealias Builder = @Sendable (OperatorConfiguration) throws -> any Operator

    struct Entry: Sendable {
        var opsets: ClosedRange<Int>
        var build: Builder
    }

    struct Key: Hashable, Sendable {
        var domain: String
        var opType: String
    }

    private var entries: [Key: [Entry]] = [:]
    /// The highest opset version accepted per domain.
    public private(set) var maxOpset: [String: Int] = ["": 28, "ai.onnx.ml": 5]

    public init() {}

    /// Normalises `ai.onnx` to the empty default-domain name.
    public static func canonicalDomain(_ domain: String) -> String { domain == "ai.onnx" ? "" : domain }

    /// Registers a builder for `opType` in `domain`, valid for the opset versions `opsets`.
    public mutating func register(
        _ opType: String, domain: String = "", opsets: ClosedRange<Int> = 1...Int.max, _ build: @escaping Builder
    ) {
        entries[Key(domain: Self.canonicalDomain(domain), opType: opType), default: []].append(Entry(opsets: opsets, build: build))
    }

    /// The builder for a node, or nil when this op, domain and opset are not supported.
    public func builder(opType: String, domain: String, opset: Int) -> Builder? {
        let key = Key(domain: Self.canonicalDomain(domain), opType: opType)
        guard let maxVersion = maxOpset[key.domain], opset <= maxVersion else { return nil }
        return entries[key]?.last(where: { $0.opsets.contains(opset) })?.build
    }

    /// Whether any opset of this operator is registered.
    public func knows(opType: String, domain: String) -> Bool {
        entries[Key(domain: Self.canonicalDomain(domain), opType: opType)] != nil
    }

    /// Every registered (domain, op type) pair, sorted.
    public var supportedOperators: [(domain: String, opType: String)] {
        entries.keys.map { ($0.domain, $0.opType) }.sorted { ($0.domain, $0.opType) < ($1.domain, $1.opType) }
    }

    /// All the operators Slipway supports.
    public static let standard: OperatorRegistry = {
        var registry = OperatorRegistry()
        registerAllFamilies(into: &registry)
        return registry
    }()
}
