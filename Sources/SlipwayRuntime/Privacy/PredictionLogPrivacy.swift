import Dispatch
public import SlipwayMonitoring
public import SlipwaySecurity

/// The prediction log as a store of subjects' data: re-encrypted under a new data key a batch at a time
/// (``ResealableStore``), and erased by subject (``ErasableStore``).
public struct PredictionLogPrivacy: ResealableStore, ErasableStore {
    public let store: PredictionLogStore

    public init(store: PredictionLogStore) { self.store = store }

    public var name: String { "prediction log" }

    public func resealBatch(with cipher: DataCipher, limit: Int) async throws -> Int {
        let sealer = DataSealer(cipher: cipher)
        return try await store.perform { store throws(PredictionLogError) in try store.resealBatch(with: sealer, limit: limit) }
    }

    /// Removes `request.model`'s predictions whose logged input `request.field` holds the value (or, for a
    /// field kept as a keyed hash, the hash of the value) in any element, with their feedback.
    public func erase(_ request: ErasureRequest) throws -> [String: Int] {
        let erased = try store.erasePredictions(model: request.model) { Self.matches($0, request) }
        var counts = ["predictions": erased.predictions, "feedback": erased.feedback]
        // Rows whose values could not be read (a payload segment missing or damaged) were not checked: reported.
        if erased.unreadable > 0 { counts["unreadable"] = erased.unreadable }
        return counts
    }

    /// Whether a logged prediction's input `field` holds the value: a string element equal to it or to its
    /// keyed hash, or a number element that prints as it or equals it as a number.
    public static func matches(_ prediction: StoredPrediction, _ request: ErasureRequest) -> Bool {
        let number = Double(request.value)
        for tensor in prediction.entry.inputs where tensor.name == request.field {
            if tensor.datatype == "BYTES" {
                if tensor.strings.contains(where: { $0 == request.value || $0 == request.hashedValue }) { return true }
                continue
            }
            guard let size = LoggedTensor.elementSize(tensor.datatype), size > 0 else { continue }
            for index in 0..<(tensor.data.count / size) {
                if tensor.formatted(at: index) == request.value { return true }
                if let number, tensor.number(at: index) == number { return true }
            }
        }
        return false
    }
}
