import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayRuntime
import Testing

/// `/openapi.json` documents exactly the routes the router registers.
@Suite struct OpenAPITests {
    /// Routes other branches add (statistics and repository extensions, monitoring): documented here ahead of
    /// their merge. Empty this list once they are merged; until then they may be absent from the router.
    /// Routes registered only when monitoring and drift are set up (this test's router has neither; the monitoring
    /// and drift route tests cover them).
    static let documentedAheadOfMerge: Set<String> = [
        "GET /metrics", "POST /api/v1/models/{model}/feedback", "GET /api/v1/models/{model}/quality", "GET /api/v1/models/{model}/drift",
        "GET /api/v1/models/{model}/drift/report", "GET /api/v1/alerts", "GET /api/v1/events",
        // Registered only with security (its audit trail and hash secret); PrivacyEraseTests covers it.
        "POST /api/v1/privacy/erase",
    ]

    static func documented(_ document: JSONValue) -> Set<String> {
        var routes = Set<String>()
        for (path, item) in document["paths"]?.objectValue ?? [] {
            for (method, _) in item.objectValue ?? [] { routes.insert("\(method.uppercased()) \(path)") }
        }
        return routes
    }

    @Test func documentIsServedAndWellFormed() async throws {
        try await V2Fixtures.app().test(.router) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let document = try V2Fixtures.json(response)
            #expect(document["openapi"]?.stringValue?.hasPrefix("3.") == true)
            #expect(document["info"]?["version"]?.stringValue == SlipwayRuntime.version)
            #expect(Self.documented(document) == Set(OpenAPIDocument.routes))
            // Every schema reference resolves.
            let schemas = Set((document["components"]?["schemas"]?.objectValue ?? []).map(\.0))
            let text = String(decoding: [UInt8](buffer: response.body), as: UTF8.self)
            for piece in text.components(separatedBy: "#/components/schemas/").dropFirst() {
                let name = String(piece.prefix { $0 != "\"" })
                #expect(schemas.contains(name), "unresolved $ref \(name)")
            }
            // Every path parameter is declared.
            for (path, item) in document["paths"]?.objectValue ?? [] {
                for (method, operation) in item.objectValue ?? [] {
                    let declared = Set(
                        (operation["parameters"]?.arrayValue ?? []).filter { $0["in"]?.stringValue == "path" }.compactMap { $0["name"]?.stringValue })
                    let captured = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
                    #expect(declared == captured, "\(method) \(path)")
                }
            }
        }
    }

    /// Walks `router.routes`: a registered route must be documented, unless it only answers 405 (the V2
    /// controller's wrong-method routes); a documented route must be registered (or be another branch's).
    @Test func everyRegisteredRouteIsDocumentedAndViceVersa() async throws {
        let service = try V2Fixtures.registry()
        let configuration = ServerConfiguration(port: 0, inferenceThreads: 1)
        let pool = InferencePool(threads: 1)
        let router = buildRouter(
            models: ServedModels(source: RegistryModelProvider(service: service), pool: pool), configuration: configuration)
        let registered = router.routes.map { (method: $0.method, path: $0.path.description) }
        let documented = Set(OpenAPIDocument.routes)
        let app = Application(router: router, services: [pool], logger: Logger(label: "slipway-test"))
        let undocumented = try await app.test(.router) { client in
            var undocumented: [String] = []
            for route in registered where !documented.contains("\(route.method) \(route.path)") {
                // A wrong-method placeholder answers 405 whatever the parameters; anything else is a real route.
                let uri = route.path.replacingOccurrences(of: "{model}", with: "echo").replacingOccurrences(of: "{version}", with: "1")
                    .replacingOccurrences(of: "{alias}", with: "staging")
                let response = try await client.execute(uri: uri, method: route.method)
                if response.status != .methodNotAllowed { undocumented.append("\(route.method) \(route.path)") }
            }
            return undocumented
        }
        #expect(undocumented.isEmpty, "routes missing from /openapi.json: \(undocumented.sorted())")
        let registeredSet = Set(registered.map { "\($0.method) \($0.path)" })
        let missing = documented.subtracting(registeredSet).subtracting(Self.documentedAheadOfMerge)
        #expect(missing.isEmpty, "documented routes the router does not register: \(missing.sorted())")
        #expect(registered.count > 20)
    }
}
