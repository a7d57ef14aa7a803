/// What `slipway privacy erase --model M --field F --value V` asks a store to remove: every row of model `M`
/// whose input field `F` equals `V`. Stores that kept the field as a keyed hash match on `hashedValue`.
public struct ErasureRequest: Sendable, Hashable {
    public var model: String
    public var field: String
    /// The value as given.
    public var value: String
    /// ``PIIRedactor/hash(_:)`` of the value, for fields stored hashed.
    public var hashedValue: String

    public init(model: String, field: String, value: String, hashedValue: String) {
        self.model = model
        self.field = field
        self.value = value
        self.hashedValue = hashedValue
    }
}

/// A store holding subjects' data (the prediction log, feedback, export-ready data): erases the rows an
/// ``ErasureRequest`` matches and says how many of each kind it removed. The prediction log implements it;
/// `slipway privacy erase` runs every store and records the counts in the audit trail.
public protocol ErasableStore: Sendable {
    /// What the store holds, for the report (`prediction log`).
    var name: String { get }
    /// Removes the matching rows; returns counts by kind (`predictions`, `feedback`, …).
    func erase(_ request: ErasureRequest) throws -> [String: Int]
}
