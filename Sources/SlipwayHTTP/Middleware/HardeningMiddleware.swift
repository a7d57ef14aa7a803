public import Hummingbird
import SlipwayRuntime

/// Limits what the routes below have to survive: JSON request bodies nested deeper than the limit get 400
/// before any handler parses them. (Header size and stalled clients are limited in the HTTP server itself,
/// see `TLSSetup`; body size by ``BodyLimitMiddleware``. Inference bodies are bounded by the V2 scanner's
/// own depth limit, `JSONScanner.maxDepth`, so they are not scanned twice.)
public struct HardeningMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxJSONDepth: Int
    let maxBodySize: Int

    /// - Parameters:
    ///   - maxJSONDepth: the deepest nesting of arrays and objects accepted.
    ///   - maxBodySize: the largest body collected for the check.
    public init(maxJSONDepth: Int, maxBodySize: Int) {
        self.maxJSONDepth = maxJSONDepth
        self.maxBodySize = maxBodySize
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head, !Self.isInference(request.head.path),
            let type = request.headers[.contentType], Self.mentionsJSON(type)
        else { return try await next(request, context) }
        var request = request
        let buffer = try await request.body.collect(upTo: maxBodySize)
        if let depth = Self.exceedsDepth(buffer.readableBytesView, limit: maxJSONDepth) {
            throw InferenceError(.badRequest, "JSON nesting deeper than \(maxJSONDepth) levels (at byte \(depth))")
        }
        request.body = RequestBody(buffer: buffer)
        return try await next(request, context)
    }

    /// Whether a request target (path and query) is an inference route: its path ends in `/infer`.
    static func isInference(_ target: String?) -> Bool {
        guard let target else { return false }
        let bytes = target.utf8
        let end = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        return bytes[..<end].reversed().starts(with: "/infer".utf8.reversed())
    }

    /// Whether a content type mentions `json` (`application/json`, `application/merge-patch+json`, …).
    static func mentionsJSON(_ type: String) -> Bool {
        let bytes = Array(type.utf8)
        guard bytes.count >= 4 else { return false }
        for i in 0...(bytes.count - 4)
        where bytes[i] | 0x20 == UInt8(ascii: "j") && bytes[i + 1] | 0x20 == UInt8(ascii: "s") && bytes[i + 2] | 0x20 == UInt8(ascii: "o")
            && bytes[i + 3] | 0x20 == UInt8(ascii: "n")
        {
            return true
        }
        return false
    }

    /// The offset where nesting first exceeds `limit`, or nil; brackets inside strings do not count.
    static func exceedsDepth(_ bytes: some Collection<UInt8>, limit: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for (offset, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return offset }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }
}
