import Foundation
public import SlipwayEngine
public import SlipwayMonitoring
public import SlipwayTensor

extension LoggedTensor {
    /// The tensor's V2 datatype, shape and little-endian bytes (strings kept as a list).
    public init(name: String, tensor: Tensor) {
        if case .string(let strings) = tensor.storage {
            self.init(name: name, datatype: tensor.dataType.v2Name, shape: tensor.shape, data: [], strings: strings)
        } else {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(tensor.count * 4)
            BinaryTensorData.append(tensor, to: &bytes)
            self.init(name: name, datatype: tensor.dataType.v2Name, shape: tensor.shape, data: bytes)
        }
    }

    /// The tensors among named values (sequences and maps are not logged).
    static func tensors(_ values: [(name: String, value: Value)]?, excluding: Set<String> = []) -> [LoggedTensor] {
        guard let values else { return [] }
        return values.compactMap { item in
            guard !excluding.contains(item.name), let tensor = item.value.tensor else { return nil }
            return LoggedTensor(name: item.name, tensor: tensor)
        }
    }
}

extension TensorBlob {
    /// The ``TensorBlob`` of the tensors among named values, encoded straight from the tensors into one buffer
    /// (sequences and maps are not logged; names in `excluding` are left out). Byte for byte what
    /// `encode(tensors(values, excluding:))` gives, without a ``LoggedTensor`` per tensor.
    static func encode(_ values: [(name: String, value: Value)]?, excluding: Set<String> = []) -> [UInt8] {
        guard let values else { return TensorBlobWriter(capacity: 4).finish() }
        var capacity = 4
        for item in values {
            guard let tensor = item.value.tensor else { continue }
            capacity += 20 + item.name.utf8.count + 8 * tensor.shape.count + tensor.count * (tensor.dataType.byteWidth ?? 8)
        }
        var writer = TensorBlobWriter(capacity: capacity)
        for item in values {
            guard !excluding.contains(item.name), let tensor = item.value.tensor else { continue }
            if case .string(let strings) = tensor.storage {
                writer.append(name: item.name, datatype: tensor.dataType.v2Name, shape: tensor.shape, strings: strings)
            } else {
                writer.append(name: item.name, datatype: tensor.dataType.v2Name, shape: tensor.shape) { BinaryTensorData.append(tensor, to: &$0) }
            }
        }
        return writer.finish()
    }

    /// Examples in a logged request, as ``PredictionEntry/rows`` counts them: the first dimension of the first
    /// logged input, else of the first output (1 for a scalar), 0 when nothing is logged.
    static func rows(inputs: [(name: String, value: Value)]?, excluding: Set<String>, outputs: [(name: String, value: Value)]?) -> Int {
        let input = inputs?.lazy.filter { !excluding.contains($0.name) }.compactMap(\.value.tensor).first
        guard let tensor = input ?? outputs?.lazy.compactMap(\.value.tensor).first else { return 0 }
        return tensor.shape.first ?? 1
    }
}

extension InferenceRecord {
    /// A new request id for a request that brought none: 16 random hex digits.
    public static func newRequestID() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A record of a finished V2 request.
    /// - Parameters:
    ///   - request: the decoded request (nil when decoding failed).
    ///   - response: the response (nil on failure).
    ///   - error: why it failed (nil on success).
    public init(
        requestID: String, model: String, version: String?, arrivedAt: Double, request: InferenceRequest?, response: InferenceResponse?,
        error: InferenceError?, queueSeconds: Double, computeSeconds: Double, totalSeconds: Double
    ) {
        let number = (response?.modelVersion ?? version).flatMap { Int($0) }
        let alias = version.flatMap { Int($0) == nil ? $0 : nil }
        self.init(
            requestID: requestID, arrivedAt: arrivedAt, model: model, version: number, alias: alias,
            inputs: request.map { $0.inputs.map { (name: $0.name, value: Value.tensor($0.tensor)) } },
            outputs: response?.outputs, status: error.map { .failure($0.code) } ?? .success, queueSeconds: queueSeconds,
            computeSeconds: computeSeconds, totalSeconds: totalSeconds,
            batchSize: request?.inputs.first?.tensor.shape.first ?? 1, cacheHit: false)
    }
}

extension InferenceRecord {
    /// Seconds since 1970 now.
    public static func wallClock() -> Double { Date().timeIntervalSince1970 }

    /// A record of a finished V2 request timed by three instants: arrival, start of the run, end.
    public init(
        requestID: String, model: String, version: String?, arrivedAt: Double, request: InferenceRequest?, response: InferenceResponse?,
        error: InferenceError?, started: ContinuousClock.Instant, running: ContinuousClock.Instant, finished: ContinuousClock.Instant
    ) {
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        self.init(
            requestID: requestID, model: model, version: version, arrivedAt: arrivedAt, request: request, response: response, error: error,
            queueSeconds: seconds(running - started), computeSeconds: seconds(finished - running), totalSeconds: seconds(finished - started))
    }
}
