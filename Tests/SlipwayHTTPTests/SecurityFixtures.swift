import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SlipwayHTTP
import SlipwayRuntime
import SlipwaySecurity

/// A server with security on: a key per role (and one limited to `echo`), over the V2 fixtures' registry.
struct SecurityFixture {
    let dataDirectory: URL
    let database: SecurityDatabase
    let security: ServerSecurity
    /// The key text per role.
    let keys: [Role: String]
    /// A predictor key limited to model `echo`.
    let echoOnlyKey: String

    init(settings: SecuritySettings = SecuritySettings(), host: String = "127.0.0.1", jwt: JWTVerifier? = nil, createKeys: Bool = true) throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-sec-http-\(UUID().uuidString)")
        database = try SecurityDatabase.open(dataDirectory: dataDirectory)
        var keys: [Role: String] = [:]
        var echoOnly = ""
        if createKeys {
            for role in Role.allCases { keys[role] = try database.keys.create(name: "test-\(role.rawValue)", role: role, actor: "test").text }
            echoOnly = try database.keys.create(name: "echo-only", role: .predictor, models: ["echo"], actor: "test").text
        }
        self.keys = keys
        echoOnlyKey = echoOnly
        security = try ServerSecurity(database: database, settings: settings, host: host, jwt: jwt)
    }

    func app(_ configuration: ServerConfiguration = .init(port: 0, inferenceThreads: 2)) throws -> some ApplicationProtocol {
        let models = RegistryModelProvider(service: try V2Fixtures.registry())
        return buildApplication(configuration: configuration, models: models, logger: Logger(label: "slipway-test"), security: security)
    }

    static func headers(_ key: String?) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return headers
    }
}
