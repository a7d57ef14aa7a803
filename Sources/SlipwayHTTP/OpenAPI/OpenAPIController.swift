public import Hummingbird
import NIOCore

/// `GET /openapi.json`: the ``OpenAPIDocument``, written once.
public struct OpenAPIController: Sendable {
    let body: [UInt8]

    public init() {
        body = OpenAPIDocument.json()
    }

    /// Adds `GET /openapi.json` to `router`.
    public func addRoutes(to router: Router<SlipwayRequestContext>) {
        let body = self.body
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
