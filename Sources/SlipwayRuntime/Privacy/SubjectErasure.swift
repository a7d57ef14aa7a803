import Dispatch
public import SlipwayMonitoring
import SlipwayRegistry
public import SlipwaySecurity

/// Erasure of a data subject's rows, the one implementation behind `slipway privacy erase` and
/// `POST /api/v1/privacy/erase`: checks the request (the model exists, the field is one of its inputs),
/// records the erasure in the audit trail before it runs (an erasure that cannot be audited does not run),
/// removes every matching prediction and feedback row from each store, and records the counts after it.
/// The audit trail holds the field and the keyed hash of the value, never the value.
public struct SubjectErasure: Sendable {
    /// The stores holding subjects' data.
    public let stores: [any ErasableStore]
    let registry: ModelRegistryService?
    let predictionLog: PredictionLogStore?
    let hashKey: [UInt8]

    /// What an erasure removed.
    public struct Report: Sendable, Equatable {
        public var model: String
        public var field: String
        /// Rows removed by kind (`predictions`, `feedback`).
        public var erased: [String: Int]
        /// The stores that were searched.
        public var stores: [String]
        /// Stores that failed, with the reason (the erasure is then incomplete).
        public var failures: [String]

        /// `feedback=1 predictions=2`, or `rows=0`.
        public var summary: String {
            erased.isEmpty ? "rows=0" : erased.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    /// - Parameters:
    ///   - registry: the model registry (unknown models and input names are refused); nil to skip the checks.
    ///   - predictionLog: the prediction log, when there is one.
    ///   - hashKey: the secret of the PII keyed hash (``SecurityDatabase/privacyHashKey()``).
    public init(registry: ModelRegistryService?, predictionLog: PredictionLogStore?, hashKey: [UInt8]) {
        self.registry = registry
        self.predictionLog = predictionLog
        self.hashKey = hashKey
        stores = predictionLog.map { [PredictionLogPrivacy(store: $0)] } ?? []
    }

    /// The request for `model`, `field` and `value`, with the keyed hash of the value; empty ones are bad requests.
    public func request(model: String, field: String, value: String) throws(InferenceError) -> ErasureRequest {
        guard !model.isEmpty else { throw .badRequest("model: must not be empty") }
        guard !field.isEmpty else { throw .badRequest("field: must not be empty") }
        guard !value.isEmpty else { throw .badRequest("value: must not be empty") }
        return ErasureRequest(model: model, field: field, value: value, hashedValue: PIIRedactor(key: hashKey, fields: [:]).hash(value))
    }

    /// Checks that the model is registered or has logged predictions (else not found) and, for a registered
    /// model, that `field` is one of its versions' inputs (else a bad request naming the field).
    public func check(_ request: ErasureRequest) throws(InferenceError) {
        var inputs: Set<String>?
        if let registry, (try? registry.model(named: request.model)) != nil {
            inputs = Set(try registry.versions(of: request.model).flatMap { $0.signature.inputs.map(\.name) })
        }
        if inputs == nil {
            let logged: Int
            do {
                logged = try predictionLog?.count(model: request.model) ?? 0
            } catch {
                throw InferenceError(error)
            }
            guard logged > 0 else {
                throw InferenceError(.notFound, "model '\(request.model)' is not registered and has no logged predictions")
            }
        }
        if let inputs, !inputs.isEmpty, !inputs.contains(request.field) {
            throw .badRequest(
                "field '\(request.field)': model '\(request.model)' has no such input (its inputs: \(inputs.sorted().joined(separator: ", ")))")
        }
    }

    /// Runs an erasure (blocking: SQLite): check, audit, erase from every store, audit the counts.
    /// - Parameters:
    ///   - request: what to erase.
    ///   - actor: who asks (`cli:<user>`, a key id).
    ///   - role: the caller's role, over HTTP.
    ///   - requestID: the HTTP request id.
    ///   - audit: appends an entry to the audit trail; its failure stops the erasure before anything is removed.
    public func erase(
        _ request: ErasureRequest, actor: String, role: String? = nil, requestID: String? = nil, audit: (AuditEvent) throws -> Void
    ) throws -> Report {
        try check(request)
        let detail = "field=\(request.field) value=\(request.hashedValue)"
        try audit(AuditEvent(actor: actor, role: role, action: "privacy.erase.begin", model: request.model, requestID: requestID, detail: detail))
        var report = Report(model: request.model, field: request.field, erased: [:], stores: stores.map(\.name), failures: [])
        for store in stores {
            do {
                for (kind, count) in try store.erase(request) { report.erased[kind, default: 0] += count }
            } catch {
                report.failures.append("\(store.name): \(error)")
            }
        }
        try audit(
            AuditEvent(
                actor: actor, role: role, action: "privacy.erase", model: request.model, requestID: requestID,
                status: report.failures.isEmpty ? 0 : 1,
                detail: "\(detail) \(report.summary)" + (report.failures.isEmpty ? "" : " failed=\(report.failures.joined(separator: "; "))")))
        return report
    }

    /// ``erase(_:actor:role:requestID:audit:)`` on a dispatch thread, for callers on an event loop.
    public func eraseInBackground(
        _ request: ErasureRequest, actor: String, role: String?, requestID: String?, audit: @escaping @Sendable (AuditEvent) throws -> Void
    ) async throws -> Report {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try erase(request, actor: actor, role: role, requestID: requestID, audit: audit) })
            }
        }
    }
}
