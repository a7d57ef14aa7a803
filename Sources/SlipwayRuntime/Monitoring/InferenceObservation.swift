/// Times one V2 request and reports it to the observer once it ends: the transport calls ``run(decode:infer:)``
/// on the inference thread, and ``refused(_:)`` when the request never got a thread (queue full, shutting down).
/// Gives the request an id when the client sent none (always returned, the key labels are posted under).
public struct InferenceObservation: Sendable {
    let observer: (any InferenceObserver)?
    let model: String
    let version: String?
    let arrivedAt: Double
    let started: ContinuousClock.Instant

    /// - Parameters:
    ///   - observer: who sees the record; nil records nothing.
    ///   - model, version: the route's model and version (number or alias; nil for the default).
    public init(observer: (any InferenceObserver)?, model: String, version: String?) {
        self.observer = observer
        self.model = model
        self.version = version
        arrivedAt = InferenceRecord.wallClock()
        started = .now
    }

    /// Decodes and runs the request, recording success or failure.
    public func run(
        decode: () throws(InferenceError) -> InferenceRequest, infer: (InferenceRequest) throws(InferenceError) -> InferenceResponse
    ) throws(InferenceError) -> (request: InferenceRequest, response: InferenceResponse) {
        let running = ContinuousClock.now
        var decoded: InferenceRequest?
        do throws(InferenceError) {
            var request = try decode()
            if request.id == nil { request.id = InferenceRecord.newRequestID() }
            decoded = request
            let response = try infer(request)
            report(request: request, response: response, error: nil, running: running)
            return (request, response)
        } catch {
            report(request: decoded, response: nil, error: error, running: running)
            throw error
        }
    }

    /// Records a request refused before it ran (`unavailable`); other errors were recorded by ``run(decode:infer:)``.
    public func refused(_ error: InferenceError) {
        guard error.code == .unavailable else { return }
        report(request: nil, response: nil, error: error, running: .now)
    }

    func report(request: InferenceRequest?, response: InferenceResponse?, error: InferenceError?, running: ContinuousClock.Instant) {
        guard let observer else { return }
        let record = InferenceRecord(
            requestID: request?.id ?? InferenceRecord.newRequestID(), model: model, version: version, arrivedAt: arrivedAt, request: request,
            response: response, error: error, started: started, running: running, finished: ContinuousClock.now)
        observer.record(record)
    }
}
