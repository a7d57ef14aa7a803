public import Hummingbird
public import SlipwaySecurity

/// The request context of every Slipway route: Hummingbird's core storage, the authenticated caller and the
/// request's route in the route table (set by ``AuthMiddleware``).
public struct SlipwayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is calling; nil when security is not set up (in-process tests without it).
    public var identity: Identity?
    /// The request's rule in the route table and its parameters.
    public var securityRoute: RouteMatch?
    /// The request's id (`X-Request-ID`, or the one the audit middleware made up and returns); inference uses
    /// it as the V2 `id` when the body brings none.
    public var requestID: String?
    /// The model and version (nil: the default) of a canonical inference path, read by ``SlipwayResponder`` when
    /// it sends the request past the router; nil otherwise.
    public var inferenceTarget: (name: String, version: String?)?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
