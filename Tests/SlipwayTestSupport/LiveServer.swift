public import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `slipway` binary started as a server (`slipway serve …`), as a user would: its standard output
/// and error are collected, and ``start(_:)`` returns once it prints `slipway serving on URL`.
/// Call ``stop()`` (SIGTERM) or ``interrupt()`` (SIGINT) and ``waitForExit()`` to see it shut down; a server
/// still running when the value goes away is terminated.
public final class LiveServer: Sendable {
    /// The base URL the server printed (`http://127.0.0.1:PORT`).
    public let base: String
    private let process: Process
    private let output: Output

    private final class Output: Sendable {
        let stdout = Mutex("")
        let stderr = Mutex("")
    }

    private init(process: Process, output: Output, base: String) {
        self.process = process
        self.output = output
        self.base = base
    }

    /// Starts `slipway ARGUMENTS…` (for example `["serve", "--demo", "--data-dir", d, "--port", "0"]`) from the
    /// package root and waits up to `timeout` for its "serving on" line. Throws with the server's standard error
    /// when it exits or does not start in time.
    public static func start(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> LiveServer {
        guard let binary = CLIRunner.binary else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "slipway binary not built"])
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = SharedFixtures.packageRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let output = Output()
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.stdout.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.stderr.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        let prefix = "slipway serving on "
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = output.stdout.withLock { text in
                text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            }
            if let found { return LiveServer(process: process, output: output, base: found) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning { process.terminate() }
        let errors = output.stderr.withLock { $0 }
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "slipway serve did not start: \(errors)"])
    }

    /// `base` + `path` as a URL (`path` starts with `/`).
    public func url(_ path: String) -> URL {
        URL(string: base + path) ?? URL(fileURLWithPath: "/invalid")
    }

    /// Sends one request and returns the status and the body as text.
    public func request(_ path: String, method: String = "GET", body: String? = nil, headers: [String: String] = [:]) async throws -> (
        Int, String
    ) {
        var request = URLRequest(url: url(path))
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Everything the server wrote to standard output / standard error so far.
    public var stdout: String { output.stdout.withLock { $0 } }
    public var stderr: String { output.stderr.withLock { $0 } }
    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }
    /// Whether the process has ended by exiting (not by a signal).
    public var exitedNormally: Bool { !process.isRunning && process.terminationReason == .exit }

    /// Sends SIGTERM.
    public func stop() { if process.isRunning { process.terminate() } }
    /// Sends SIGINT.
    public func interrupt() { if process.isRunning { process.interrupt() } }

    /// Waits up to `timeout` for the process to exit; returns its exit status, or nil if it is still running.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
