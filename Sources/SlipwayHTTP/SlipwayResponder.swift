public import Hummingbird
import SlipwayRuntime

/// The server's responder: V2 inference requests — `POST /v2/models/NAME/infer` and
/// `POST /v2/models/NAME/versions/V/infer`, spelled canonically — go straight to ``V2Controller`` through the
/// router's middleware (errors, security: what wraps every route); every other request goes to the router.
///
/// Hummingbird resolves a route in its trie before the route's middleware runs; for a table of every Slipway
/// route that cost an inference request about 5% of its instructions, and inference is most of the traffic.
/// The inference routes stay in the router (which answers every other spelling of them the same way, and lists
/// them in `/openapi.json`); the parameters are the raw path segments, as the router gives them.
public struct SlipwayResponder: HTTPResponder {
    public typealias Context = SlipwayRequestContext
    let router: RouterResponder<Context>
    let inference: any HTTPResponder<Context>
    let models: ServedModels

    /// - Parameters:
    ///   - router: every route, with its middleware (``buildRouter(models:configuration:security:drift:monitoring:)``).
    ///   - controller: the V2 controller that answers inference.
    public init(router: Router<Context>, controller: V2Controller) {
        inference = router.middlewares.constructResponder(finalResponder: InferenceResponder(controller: controller))
        self.router = router.buildResponder()
        models = controller.models
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .post, let target = Self.inferenceTarget(request.uri.path) else {
            // Off the event loop (see ``EventLoopChildChannel``): other routes may read databases or files.
            return try await withTaskExecutorPreference(globalConcurrentExecutor) {
                try await router.respond(to: request, context: context)
            }
        }
        // The path is read once: the chain's end finds the target in the context.
        var context = context
        context.inferenceTarget = target
        // A model cheap enough to run inline is answered off the event loop, on the global pool, where it runs;
        // any other inference stays on the event loop and runs on the inference pool.
        guard models.runsInline(model: target.name, version: target.version) else {
            return try await inference.respond(to: request, context: context)
        }
        return try await withTaskExecutorPreference(globalConcurrentExecutor) {
            try await inference.respond(to: request, context: context)
        }
    }

    /// The model and version (nil for the default) of `/v2/models/NAME/infer` or
    /// `/v2/models/NAME/versions/V/infer`; nil for any other path, another spelling of these (empty segments,
    /// a trailing slash), a path with non-ASCII bytes, and a model named like the literal route beside `:model`
    /// (`stats`).
    static func inferenceTarget(_ path: String) -> (name: String, version: String?)? {
        // One walk over the path's bytes (the generic `split` cost ~4k instructions a request).
        let bytes = path.utf8.span
        let prefix = Self.modelsPrefix
        guard bytes.count > prefix.count else { return nil }
        for i in prefix.indices where bytes[i] != prefix[i] { return nil }
        // The positions of the (at most three) slashes after the prefix.
        var slashes = InlineArray<3, Int>(repeating: 0)
        var slashCount = 0
        for i in prefix.count..<bytes.count {
            // ASCII only: the router splits by characters, where a `/` followed by a combining mark is not a
            // separator; such paths (no model's name has one) are left to it.
            guard bytes[i] < 0x80 else { return nil }
            guard bytes[i] == UInt8(ascii: "/") else { continue }
            guard slashCount < 3 else { return nil }
            slashes[slashCount] = i
            slashCount += 1
        }
        func segment(_ start: Int, _ end: Int, is literal: [UInt8]) -> Bool {
            guard end - start == literal.count else { return false }
            for k in literal.indices where bytes[start + k] != literal[k] { return false }
            return true
        }
        let nameEnd: Int
        switch slashCount {
        case 1:
            guard segment(slashes[0] + 1, bytes.count, is: Self.inferSegment) else { return nil }
            nameEnd = slashes[0]
        case 3:
            guard segment(slashes[0] + 1, slashes[1], is: Self.versionsSegment), slashes[2] > slashes[1] + 1,
                segment(slashes[2] + 1, bytes.count, is: Self.inferSegment)
            else { return nil }
            nameEnd = slashes[0]
        default:
            return nil
        }
        guard nameEnd > prefix.count, !segment(prefix.count, nameEnd, is: Self.statsSegment) else { return nil }
        func text(_ start: Int, _ end: Int) -> String {
            let utf8 = path.utf8
            return String(Substring(utf8[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)]))
        }
        return (text(prefix.count, nameEnd), slashCount == 3 ? text(slashes[1] + 1, slashes[2]) : nil)
    }

    static let modelsPrefix = Array("/v2/models/".utf8)
    static let inferSegment = Array("infer".utf8)
    static let versionsSegment = Array("versions".utf8)
    static let statsSegment = Array("stats".utf8)

    /// The end of the inference chain: the V2 controller, with the target ``respond(to:context:)`` read.
    struct InferenceResponder: HTTPResponder {
        let controller: V2Controller

        func respond(to request: Request, context: Context) async throws -> Response {
            guard let (name, version) = context.inferenceTarget else { throw HTTPError(.notFound) }
            return try await controller.infer(request, context, name: name, version: version)
        }
    }
}
