public import Hummingbird
public import SlipwayRuntime

/// Triton's statistics extension: `GET /v2/models/stats`, `/v2/models/NAME/stats` and
/// `/v2/models/NAME/versions/V/stats`, answering `{"model_stats": [...]}` for the loaded versions (see
/// ``ModelStatistics`` for the counting rules).
public struct StatisticsController: Sendable {
    let models: ServedModels

    public init(models: ServedModels) { self.models = models }

    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        router.get("/v2/models/stats") { _, _ in try stats(nil, nil) }
        router.get("/v2/models/:model/stats") { _, context in try stats(context.parameters.require("model"), nil) }
        router.get("/v2/models/:model/versions/:version/stats") { _, context in
            try stats(context.parameters.require("model"), context.parameters.require("version"))
        }
    }

    func stats(_ name: String?, _ version: String?) throws -> Response {
        let served = try models.statistics(model: name, version: version)
        var w = JSONWriter(capacity: 512 * max(1, served.count))
        w.raw("{\"model_stats\":[")
        for (i, model) in served.enumerated() {
            if i > 0 { w.raw(",") }
            model.statistics.write(&w, name: model.name, version: String(model.version), memoryBytes: model.memoryBytes)
        }
        w.raw("]}")
        return V2Controller.json(w.bytes)
    }
}
