import Synchronization

/// Which production rows a drift check looks at.
public enum ProductionWindow: Sendable, Equatable, CustomStringConvertible {
    /// The last `n` rows.
    case last(Int)
    /// The rows logged at or after this time (seconds since 1970, UTC).
    case since(Double)

    /// Parses `last:N`, a bare count `N`, or a duration back from now: `30m`, `6h`, `7d`, `90s`.
    public static func parse(_ text: String, now: Double) throws(DriftError) -> ProductionWindow {
        let t = text.hasPrefix("last:") ? String(text.dropFirst(5)) : text
        if let n = Int(t) {
            guard n > 0 else { throw .invalid("window '\(text)': the row count must be positive") }
            return .last(n)
        }
        guard let unit = t.last, let amount = Double(t.dropLast()), amount > 0, amount.isFinite else {
            throw .invalid("window '\(text)': use a row count (1000, last:1000) or a duration (90s, 30m, 6h, 7d)")
        }
        let seconds: Double
        switch unit {
        case "s": seconds = amount
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * 86_400
        default: throw .invalid("window '\(text)': unknown unit '\(unit)'; use s, m, h or d")
        }
        return .since(now - seconds)
    }

    public var description: String {
        switch self {
        case .last(let n): "last:\(n)"
        case .since(let t): "since:\(UTCTime.format(t))"
        }
    }
}

/// Production rows of one model version: the inputs (one column per feature) and outputs (one column per
/// output), in log order.
public struct ProductionRows: Sendable {
    public var inputs: DataTable
    public var outputs: DataTable
    /// The rows' count.
    public var count: Int

    public init(inputs: DataTable, outputs: DataTable) {
        self.inputs = inputs
        self.outputs = outputs
        self.count = inputs.columns.first?.count ?? outputs.columns.first?.count ?? 0
    }
}

/// Where drift checks read production traffic from (the prediction log in the server). An implementation
/// returns only the rows of the window, so a check's memory is bounded by the window, not by the log.
public protocol ProductionWindowSource: Sendable {
    /// The rows of `model` version `version` in `window`, oldest first.
    func rows(model: String, version: String, window: ProductionWindow) async throws -> ProductionRows

    /// The same, knowing the reference dataset's column names (in order), which name the features of a
    /// logged feature matrix.
    func rows(model: String, version: String, window: ProductionWindow, featureNames: [String]) async throws -> ProductionRows
}

extension ProductionWindowSource {
    public func rows(model: String, version: String, window: ProductionWindow, featureNames: [String]) async throws -> ProductionRows {
        try await rows(model: model, version: version, window: window)
    }
}

/// One logged prediction: feature values and output values by name (nil = missing), and when it was made.
public struct ProductionRecord: Sendable {
    public var time: Double
    public var inputs: [String: Double?]
    public var outputs: [String: Double?]

    public init(time: Double, inputs: [String: Double?], outputs: [String: Double?]) {
        self.time = time
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// A `ProductionWindowSource` in memory: the last `capacity` records per model version (tests, demos).
public final class InMemoryProductionLog: ProductionWindowSource {
    private struct Key: Hashable {
        var model: String
        var version: String
    }

    private let capacity: Int
    private let records = Mutex<[Key: [ProductionRecord]]>([:])

    /// - Parameter capacity: records kept per model version; older ones are dropped.
    public init(capacity: Int = 100_000) { self.capacity = max(capacity, 1) }

    /// Appends one record.
    public func append(model: String, version: String, _ record: ProductionRecord) {
        records.withLock { all in
            let key = Key(model: model, version: version)
            all[key, default: []].append(record)
            if let n = all[key]?.count, n > capacity + capacity / 4 {
                all[key]?.removeFirst(n - capacity)
            }
        }
    }

    public func rows(model: String, version: String, window: ProductionWindow) async throws -> ProductionRows {
        let selected: [ProductionRecord] = records.withLock { all in
            let list = all[Key(model: model, version: version)] ?? []
            switch window {
            case .last(let n): return Array(list.suffix(min(n, capacity)))
            case .since(let t): return Array(list.drop { $0.time < t }.suffix(capacity))
            }
        }
        return Self.table(selected)
    }

    /// Records as two numeric tables (columns in the order of the first record's sorted names).
    public static func table(_ records: [ProductionRecord]) -> ProductionRows {
        func columns(_ pick: (ProductionRecord) -> [String: Double?]) -> DataTable {
            var names: [String] = []
            var seen = Set<String>()
            for r in records {
                for name in pick(r).keys.sorted() where seen.insert(name).inserted { names.append(name) }
            }
            let cols = names.map { name in
                let values = records.map { r -> Double in
                    guard let v = pick(r)[name], let v else { return .nan }
                    return v
                }
                let allInt = values.allSatisfy { $0.isFinite && $0 == $0.rounded() && abs($0) < 1e15 }
                return DataColumn(name: name, dtype: allInt && !values.isEmpty ? .int64 : .float64, values: .numeric(values))
            }
            return DataTable(columns: cols)
        }
        return ProductionRows(inputs: columns(\.inputs), outputs: columns(\.outputs))
    }
}
