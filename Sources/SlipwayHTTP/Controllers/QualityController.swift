import Foundation
public import Hummingbird
public import SlipwayMonitoring
public import SlipwayRuntime

/// `GET /api/v1/models/NAME/quality[?version=V][&last=N|&since=T]`: live quality of a version (the newest
/// logged by default) from its labeled predictions:
/// `{"model","version","task","n_labeled","metrics":{name: value}}`.
public struct QualityController: Sendable {
    let system: MonitoringSystem

    public init(system: MonitoringSystem) { self.system = system }

    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.get("/api/v1/models/:model/quality") { request, context -> Response in try await get(request, context) }
    }

    func get(_ request: Request, _ context: SlipwayRequestContext) async throws -> Response {
        let model = try context.parameters.require("model")
        let query = request.uri.queryParameters
        var version: Int?
        if let text = query["version"].map(String.init) {
            guard let number = Int(text), number >= 1 else { throw InferenceError.badRequest("version must be a positive integer, got '\(text)'") }
            version = number
        }
        let window = try Self.window(last: query["last"].map(String.init), since: query["since"].map(String.init))
        let report = try await system.quality(model: model, version: version, window: window)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.json(report))))
    }

    static func window(last: String?, since: String?) throws(InferenceError) -> QualityWindow {
        switch (last, since) {
        case (.some, .some): throw .badRequest("give either last=N or since=T, not both")
        case (.some(let text), nil):
            guard let n = Int(text), n >= 1 else { throw .badRequest("last must be a positive integer, got '\(text)'") }
            return .last(n)
        case (nil, .some(let text)): return .since(try TimeArgument.parse(text, now: Date().timeIntervalSince1970))
        case (nil, nil): return .all
        }
    }

    static func json(_ report: QualityReport) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"model\":")
        w.string(report.model)
        w.raw(",\"version\":")
        w.string(String(report.version))
        w.raw(",\"task\":")
        w.string(report.task.rawValue)
        w.raw(",\"n_labeled\":")
        w.number(report.labeled)
        w.raw(",\"metrics\":{")
        for (i, name) in report.metrics.keys.sorted().enumerated() {
            if i > 0 { w.raw(",") }
            w.string(name)
            w.raw(":")
            if let value = report.metrics[name], value.isFinite { w.number(value) } else { w.raw("null") }
        }
        w.raw("}}")
        return w.bytes
    }
}
