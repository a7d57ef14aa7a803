public import SlipwayMonitoring
import Synchronization

/// Drift checks' production windows, read from the prediction log: the last N rows (newest predictions
/// until they hold N examples) or every row since a time, successful predictions of one version only, so a
/// check holds only its window in memory.
///
/// Columns: an input or output with one value per row (`[N]`, `[N, 1]`) is a column of its own name; a lone
/// `[N, F]` input takes the names of the reference dataset's first F feature columns (how tabular models are
/// registered: one float matrix, one CSV column per feature), else `name[i]`; a `[N, C]` output becomes
/// `name[0]` … `name[C-1]`. String tensors are not numeric and are left out.
public final class PredictionLogWindowSource: ProductionWindowSource {
    public let store: PredictionLogStore
    /// The feature names of a model version's reference dataset, in order (nil without one).
    /// Used when the drift monitor does not pass the names (it passes its reference profile's columns).
    public let featureNames: @Sendable (_ model: String, _ version: String) async throws -> [String]?
    /// Feature names already read, by `model:version` (a version's reference never changes).
    private let names = Mutex<[String: [String]]>([:])

    public init(
        store: PredictionLogStore,
        featureNames: @escaping @Sendable (_ model: String, _ version: String) async throws -> [String]? = { _, _ in nil }
    ) {
        self.store = store
        self.featureNames = featureNames
    }

    public func rows(model: String, version: String, window: ProductionWindow) async throws -> ProductionRows {
        let key = "\(model):\(version)"
        let names: [String]
        if let known = self.names.withLock({ $0[key] }) {
            names = known
        } else {
            names = try await featureNames(model, version) ?? []
            self.names.withLock { $0[key] = names }
        }
        return try await rows(model: model, version: version, window: window, featureNames: names)
    }

    public func rows(model: String, version: String, window: ProductionWindow, featureNames names: [String]) async throws
        -> ProductionRows
    {
        guard let number = Int(version) else { return InMemoryProductionLog.table([]) }
        var predictions: [StoredPrediction] = []
        switch window {
        case .last(let n):
            let store = self.store
            predictions = try await store.perform { store throws(PredictionLogError) in
                try store.recentPredictions(model: model, version: number, examples: n)
            }
            predictions.reverse()
        case .since(let time):
            let store = self.store
            predictions = try await store.perform { store throws(PredictionLogError) in
                var all: [StoredPrediction] = []
                try store.forEachPrediction(ExportFilter(model: model, version: number, since: time)) { prediction in
                    if prediction.entry.status == "ok" { all.append(prediction) }
                }
                return all
            }
        }
        var records: [ProductionRecord] = []
        for prediction in predictions {
            let entry = prediction.entry
            let inputs = Self.columns(entry.inputs, featureNames: entry.inputs.count == 1 ? names : [])
            let outputs = Self.columns(entry.outputs, featureNames: [])
            for row in 0..<max(entry.rows, 1) {
                var inputValues: [String: Double?] = [:]
                for (name, values) in inputs where row < values.count { inputValues[name] = values[row] }
                var outputValues: [String: Double?] = [:]
                for (name, values) in outputs where row < values.count { outputValues[name] = values[row] }
                records.append(ProductionRecord(time: entry.arrivedAt, inputs: inputValues, outputs: outputValues))
            }
        }
        if case .last(let n) = window, records.count > n { records.removeFirst(records.count - n) }
        return InMemoryProductionLog.table(records)
    }

    /// Per column name, one value per row (nil where the element is not a number).
    static func columns(_ tensors: [LoggedTensor], featureNames: [String]) -> [(String, [Double?])] {
        var result: [(String, [Double?])] = []
        for tensor in tensors where tensor.datatype != "BYTES" {
            let width = tensor.elementsPerRow
            let rows = tensor.shape.isEmpty ? 1 : tensor.rows
            for column in 0..<width {
                let name: String
                if width == 1 {
                    name = tensor.name
                } else if featureNames.count >= width {
                    name = featureNames[column]
                } else {
                    name = "\(tensor.name)[\(column)]"
                }
                result.append((name, (0..<rows).map { tensor.number(at: $0 * width + column) }))
            }
        }
        return result
    }
}
