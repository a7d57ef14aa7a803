public import Hummingbird

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

    /// - Parameters:
    ///   - router: every route, with its middleware (``buildRouter(models:configuration:security:drift:monitoring:)``).
    ///   - controller: the V2 controller that answers inference.
    public init(router: Router<Context>, controller: V2Controller) {
        inference = router.middlewares.constructResponder(finalResponder: InferenceResponder(controller: controller))
        self.router = router.buildResponder()
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .post, Self.inferenceTarget(request.uri.path) != nil else {
            return try await router.respond(to: request, context: context)
        }
        return try await inference.respond(to: request, context: context)
    }

    /// The model and version (nil for the default) of `/v2/models/NAME/infer` or
    /// `/v2/models/NAME/versions/V/infer`; nil for any other path, another spelling of these (empty segments,
    /// a trailing slash), and a model named like the literal route beside `:model` (`stats`).
    static func inferenceTarget(_ path: String) -> (name: String, version: String?)? {
        let prefix = "/v2/models/"
        guard path.utf8.count > prefix.utf8.count, path.utf8.starts(with: prefix.utf8) else { return nil }
        let segments = path.utf8.dropFirst(prefix.utf8.count).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let infer = "infer".utf8
        switch segments.count {
        case 2:
            guard segments[1].elementsEqual(infer) else { return nil }
        case 4:
            guard segments[1].elementsEqual("versions".utf8), segments[3].elementsEqual(infer), !segments[2].isEmpty else { return nil }
        default:
            return nil
        }
        guard !segments[0].isEmpty, !segments[0].elementsEqual("stats".utf8) else { return nil }
        return (String(Substring(segments[0])), segments.count == 4 ? String(Substring(segments[2])) : nil)
    }

    /// The end of the inference chain: the V2 controller, with the target read from the path.
    struct InferenceResponder: HTTPResponder {
        let controller: V2Controller

        func respond(to request: Request, context: Context) async throws -> Response {
            guard let (name, version) = SlipwayResponder.inferenceTarget(request.uri.path) else { throw HTTPError(.notFound) }
            return try await controller.infer(request, context, name: name, version: version)
        }
    }
}
