import Synchronization

/// Options of a dataset drift run.
public struct DriftOptions: Sendable {
    /// One test for every column it fits (others keep their default test); nil = defaults.
    public var test: StatTestKind?
    /// A threshold for every column; nil = each test's default.
    public var threshold: Double?
    /// Only these columns (in this order); nil = every column of the current data.
    public var columns: [String]?
    /// `dataset_drift = share >= driftShare`.
    public var driftShare: Double
    /// Also compute each column's reference and current histograms (for HTML reports).
    public var histograms: Bool = false

    public init(test: StatTestKind? = nil, threshold: Double? = nil, columns: [String]? = nil, driftShare: Double = 0.5) {
        self.test = test
        self.threshold = threshold
        self.columns = columns
        self.driftShare = driftShare
    }
}

/// The drift of one column.
public struct ColumnDrift: Sendable {
    public var column: String
    public var kind: ColumnKind
    public var defaultTest: StatTestKind
    public var result: StatTestResult
    /// Reference and current distributions, for reports.
    public var histogram: DriftHistogram?

    public init(column: String, kind: ColumnKind, defaultTest: StatTestKind, result: StatTestResult, histogram: DriftHistogram? = nil) {
        self.column = column
        self.kind = kind
        self.defaultTest = defaultTest
        self.result = result
        self.histogram = histogram
    }
}

/// A dataset drift report: per column, then the share of drifted columns.
public struct DatasetDriftReport: Sendable {
    public var columns: [ColumnDrift]
    /// Text columns found but not tested (Evidently's text tests are not implemented).
    public var skippedTextColumns: [String]
    public var driftShare: Double

    public var nColumns: Int { columns.count }
    public var nDrifted: Int { columns.filter { $0.result.driftDetected }.count }
    public var share: Double { nColumns == 0 ? 0 : Double(nDrifted) / Double(nColumns) }
    public var datasetDrift: Bool { nColumns > 0 && share >= driftShare }

    /// `{"columns":[...],"dataset":{...}}`.
    public func json() -> String {
        var out = "{\"columns\":["
        for (i, c) in columns.enumerated() {
            if i > 0 { out += "," }
            out += "{\"column\":\(JSONText.string(c.column)),\"type\":\"\(c.kind.rawValue)\""
            out += ",\"stattest\":\"\(c.result.test.rawValue)\",\"score\":\(JSONText.number(c.result.score))"
            out += ",\"threshold\":\(JSONText.number(c.result.threshold)),\"drift_detected\":\(c.result.driftDetected)"
            if let s = c.result.statistic { out += ",\"statistic\":\(JSONText.number(s))" }
            out += "}"
        }
        out += "],\"dataset\":{\"n_columns\":\(nColumns),\"n_drifted\":\(nDrifted),\"share\":\(JSONText.number(share))"
        out += ",\"dataset_drift\":\(datasetDrift)}"
        if !skippedTextColumns.isEmpty {
            out += ",\"skipped_text_columns\":[" + skippedTextColumns.map(JSONText.string).joined(separator: ",") + "]"
        }
        out += "}"
        return out
    }
}

/// Evidently's `DataDriftPreset` on two tables.
public enum DatasetDrift {
    /// Runs `body(i)` for every `i` in `0..<count`, possibly at the same time on several threads.
    public typealias ParallelFor = @Sendable (_ count: Int, _ body: @Sendable (Int) -> Void) -> Void

    /// Tests every numerical and categorical column of `current` (typed from current) against `reference`.
    /// Columns are independent: `parallel` (a `DispatchQueue.concurrentPerform`, say) may test them at once;
    /// by default one after another. Errors are reported for the first failing column in column order.
    public static func run(
        reference: DataTable, current: DataTable, options: DriftOptions = DriftOptions(), parallel: ParallelFor? = nil
    ) throws(DriftError) -> DatasetDriftReport {
        let names = options.columns ?? current.columns.map(\.name)
        let outcomes = ResultSlots(count: names.count)
        let body: @Sendable (Int) -> Void = { index in
            do throws(DriftError) {
                outcomes.set(index, .success(try column(names[index], reference: reference, current: current, options: options)))
            } catch {
                outcomes.set(index, .failure(error))
            }
        }
        if let parallel {
            parallel(names.count, body)
        } else {
            for index in names.indices { body(index) }
        }
        var results: [ColumnDrift] = []
        var skipped: [String] = []
        for (index, outcome) in outcomes.values.enumerated() {
            switch outcome {
            case .success(let drift?): results.append(drift)
            case .success(nil): skipped.append(names[index])
            case .failure(let error): throw error
            case nil: throw .invalid("column '\(names[index])' was not tested")
            }
        }
        if let chosen = options.test, !results.contains(where: { $0.result.test == chosen }), !results.isEmpty {
            throw .invalid("test '\(chosen.rawValue)' fits none of the tested columns")
        }
        return DatasetDriftReport(columns: results, skippedTextColumns: skipped, driftShare: options.driftShare)
    }

    /// The drift of one column, or nil for a text column (not tested).
    public static func column(_ name: String, reference: DataTable, current: DataTable, options: DriftOptions)
        throws(DriftError) -> ColumnDrift?
    {
        guard let cur = current.column(named: name) else {
            throw DriftError(.notFound, "column '\(name)' is not in the current data")
        }
        guard let ref = reference.column(named: name) else {
            throw DriftError(.notFound, "column '\(name)' is not in the reference data")
        }
        let kind = ColumnTyping.kind(of: cur)
        if kind == .text { return nil }
        if kind == .numerical && ref.cleanedNumbers == nil {
            throw .invalid("column '\(name)' is numerical in the current data but not numeric in the reference data")
        }
        let sample = ColumnSample(kind: kind, reference: ref, current: cur)
        guard sample.nReference > 0 else {
            throw .invalid("column '\(name)' has no reference values left after dropping missing and infinite values")
        }
        guard sample.nCurrent > 0 else {
            throw .invalid("column '\(name)' has no current values left after dropping missing and infinite values")
        }
        let defaultTest = ColumnTyping.defaultTest(
            kind: kind, referenceCount: sample.nReference, distinctCombined: sample.distinctCombined)
        var test = defaultTest
        if let chosen = options.test, chosen.supports(kind) { test = chosen }
        let result: StatTestResult
        do {
            result = try StatTests.run(test, on: sample, threshold: options.threshold)
        } catch {
            throw DriftError(error.code, "column '\(name)', test \(test.rawValue): \(error.message)")
        }
        return ColumnDrift(
            column: name, kind: kind, defaultTest: defaultTest, result: result,
            histogram: options.histograms ? DriftHistogram.of(sample) : nil)
    }
}

/// One result slot per column, written from whichever thread tested the column.
private final class ResultSlots: Sendable {
    private let storage: Mutex<[Result<ColumnDrift?, DriftError>?]>

    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: Result<ColumnDrift?, DriftError>) {
        storage.withLock { $0[index] = value }
    }

    var values: [Result<ColumnDrift?, DriftError>?] { storage.withLock { $0 } }
}

/// Minimal JSON text helpers (no Foundation).
enum JSONText {
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A finite number in shortest round-trip form; non-finite numbers as null.
    static func number(_ v: Double) -> String {
        v.isFinite ? "\(v)" : "null"
    }
}
