import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOHTTP1
import NIOSSL
import SlipwayHTTP
import SlipwayRuntime
import SlipwaySecurity
import Testing

/// Certificates made in the test with the openssl tool: a CA, a server certificate for localhost and a client
/// certificate, both signed by the CA. Tests skip (with a message) when openssl is not installed.
struct TestCertificates {
    let directory: URL
    var caCert: String { directory.appendingPathComponent("ca.pem").path }
    var serverCert: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }
    var clientCert: String { directory.appendingPathComponent("client.pem").path }
    var clientKey: String { directory.appendingPathComponent("client.key").path }

    static let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func make() throws -> TestCertificates? {
        guard let openssl else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let certs = TestCertificates(directory: dir)
        func run(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = arguments
            process.currentDirectoryURL = dir
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw SecurityError(.invalidArgument, "openssl \(arguments.joined(separator: " ")) failed") }
        }
        let ext = dir.appendingPathComponent("server.ext")
        try Data("subjectAltName=DNS:localhost,IP:127.0.0.1\n".utf8).write(to: ext)
        try run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=slipway test CA",
        ])
        for (name, cn) in [("server", "localhost"), ("client", "slipway test client")] {
            try run([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr",
                "-subj", "/CN=\(cn)",
            ])
            var sign = [
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "\(name).pem", "-days", "2",
            ]
            if name == "server" { sign += ["-extfile", ext.path] }
            try run(sign)
        }
        return certs
    }

    func clientConfiguration(withCertificate: Bool) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caCert))
        if withCertificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCert).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKey, format: .pem))
        }
        return tls
    }
}

@Suite struct SecurityTLSTests {
    static func app(_ tls: SecuritySettings.TLSFiles) async throws -> some ApplicationProtocol {
        var settings = SecuritySettings()
        settings.tls = tls
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-tls-data-\(UUID().uuidString)")
        let security = try await ServerSecurity.open(settings: settings, dataDirectory: dir, host: "127.0.0.1", logger: Logger(label: "test"))
        #expect(security.usesTLS)
        return buildApplication(
            configuration: .init(port: 0, inferenceThreads: 1), models: RegistryModelProvider(service: try V2Fixtures.registry()),
            logger: Logger(label: "slipway-test"), security: security)
    }

    static func get(port: Int, tls: TLSConfiguration) async throws -> HTTPClientResponse {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            let response = try await client.execute(HTTPClientRequest(url: "https://localhost:\(port)/v2/health/live"), timeout: .seconds(10))
            try await client.shutdown()
            return response
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    @Test func servesHTTPSFromPEMFiles() async throws {
        guard let certs = try TestCertificates.make() else {
            print("skipped: openssl is not installed, TLS was not tested")
            return
        }
        let app = try await Self.app(.init(certificate: certs.serverCert, privateKey: certs.serverKey))
        try await app.test(.ahc(.https)) { client in
            let response = try await client.execute(uri: "/v2/health/live", method: .get)
            #expect(response.status == .ok)
            let port = try #require(client.port)
            // A client that checks the chain against the test CA and the host name accepts it.
            let verified = try await Self.get(port: port, tls: try certs.clientConfiguration(withCertificate: false))
            #expect(verified.status == .ok)
        }
    }

    @Test func mutualTLSRequiresAClientCertificateFromTheCA() async throws {
        guard let certs = try TestCertificates.make() else {
            print("skipped: openssl is not installed, mutual TLS was not tested")
            return
        }
        let app = try await Self.app(.init(certificate: certs.serverCert, privateKey: certs.serverKey, clientCA: certs.caCert))
        try await app.test(.ahc(.https)) { client in
            let port = try #require(client.port)
            let withCertificate = try await Self.get(port: port, tls: try certs.clientConfiguration(withCertificate: true))
            #expect(withCertificate.status == .ok)
            await #expect(throws: (any Error).self) { try await Self.get(port: port, tls: try certs.clientConfiguration(withCertificate: false)) }
        }
    }

    @Test func badPEMFilesAreRefusedAtStart() async throws {
        var settings = SecuritySettings()
        settings.tls = .init(certificate: "/nonexistent/cert.pem", privateKey: "/nonexistent/key.pem")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-tls-bad-\(UUID().uuidString)")
        do {
            _ = try await ServerSecurity.open(settings: settings, dataDirectory: dir, host: "127.0.0.1", logger: Logger(label: "test"))
            Issue.record("started with missing TLS files")
        } catch let error as SecurityError {
            #expect(error.message.contains("/nonexistent/cert.pem"))
        }
    }
}
