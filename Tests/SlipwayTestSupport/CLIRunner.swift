public import Foundation

/// Runs the built `slipway` binary as a process, as a user would.
public enum CLIRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The binary: `SLIPWAY_BIN`, or the newest `.build/**/debug/slipway` under the package root.
    public static var binary: URL? {
        if let env = ProcessInfo.processInfo.environment["SLIPWAY_BIN"], !env.isEmpty { return URL(fileURLWithPath: env) }
        let build = SharedFixtures.packageRoot.appendingPathComponent(".build")
        let candidates = ["debug/slipway", "x86_64-unknown-linux-gnu/debug/slipway", "aarch64-unknown-linux-gnu/debug/slipway"]
            .map { build.appendingPathComponent($0) }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) }
        return candidates.first
    }

    /// Runs `slipway arguments…` with optional standard input; waits for it to exit.
    public static func run(_ arguments: [String], stdin: Data? = nil) throws -> Result {
        guard let binary else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "slipway binary not built"]) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
