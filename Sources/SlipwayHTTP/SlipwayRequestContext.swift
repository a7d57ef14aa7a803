public import Hummingbird

/// The request context of every Slipway route: Hummingbird's core storage and nothing else yet (the
/// authenticated caller and the resolved model will live here).
public struct SlipwayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
