import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
import SlipwayRuntime
import SlipwaySecurity

/// Builds the HTTP server from the security settings: HTTP/1.1 with the header-size limit and the idle
/// timeout (stalled and slow clients are cut off), wrapped in TLS (swift-nio-ssl) when PEM files are set,
/// verifying client certificates against `client_ca` when it is set (mutual TLS).
enum TLSSetup {
    static func httpServer(settings: SecuritySettings) throws(SecurityError) -> HTTPServerBuilder {
        let seconds = settings.idleTimeout.components.seconds
        let nanos = seconds * 1_000_000_000 + settings.idleTimeout.components.attoseconds / 1_000_000_000
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: .nanoseconds(nanos),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: settings.maxHeaderBytes, maxHeaderListSize: settings.maxHeaderBytes))
        guard let tls = settings.tls else {
            return .eventLoopHTTP1(configuration: http1)
        }
        let configuration = try tlsConfiguration(tls)
        do {
            // The context is made here too, so a configuration it refuses fails at start-up.
            _ = try NIOSSLContext(configuration: configuration)
            return HTTPServerBuilder {
                EventLoopChildChannel(try TLSChannel(HTTP1Channel(responder: $0, configuration: http1), tlsConfiguration: configuration))
            }
        } catch {
            throw SecurityError(.invalidArgument, "cannot set up TLS: \(error)")
        }
    }

    /// The server's TLS configuration from PEM files.
    static func tlsConfiguration(_ files: SecuritySettings.TLSFiles) throws(SecurityError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificate)
        } catch {
            throw SecurityError(.invalidArgument, "cannot read the TLS certificate '\(files.certificate)': \(error)")
        }
        guard !chain.isEmpty else { throw SecurityError(.invalidArgument, "the TLS certificate file '\(files.certificate)' holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
        } catch {
            throw SecurityError(.invalidArgument, "cannot read the TLS private key '\(files.privateKey)': \(error)")
        }
        let sources = chain.map { NIOSSLCertificateSource.certificate($0) }
        guard let clientCA = files.clientCA else { return .makeServerConfiguration(certificateChain: sources, privateKey: .privateKey(key)) }
        let roots: [NIOSSLCertificate]
        do {
            roots = try NIOSSLCertificate.fromPEMFile(clientCA)
        } catch {
            throw SecurityError(.invalidArgument, "cannot read the TLS client CA '\(clientCA)': \(error)")
        }
        guard !roots.isEmpty else { throw SecurityError(.invalidArgument, "the TLS client CA file '\(clientCA)' holds no certificate") }
        return .makeServerConfigurationWithMTLS(certificateChain: sources, privateKey: .privateKey(key), trustRoots: .certificates(roots))
    }
}
