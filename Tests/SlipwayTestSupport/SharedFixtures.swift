public import Foundation

/// Locates `../shared` (the team's read-only fixtures) beside the package, or `SLIPWAY_SHARED`.
public enum SharedFixtures {
    /// The package root (this file is at Tests/SlipwayTestSupport/SharedFixtures.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared folder, or nil when it is absent (a user's clone): tests that need it skip.
    public static var root: URL? {
        if let env = ProcessInfo.processInfo.environment["SLIPWAY_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }

    public static var modelZoo: URL? { root?.appendingPathComponent("modelzoo") }
    public static var nodeTests: URL? { root?.appendingPathComponent("onnx-node-tests") }
    public static var driftOracle: URL? { root?.appendingPathComponent("drift-oracle") }

    /// Prints why a test that needs the shared folder is skipped.
    public static func skipMessage(_ what: String) -> String {
        "skipped: \(what) needs ../shared (or SLIPWAY_SHARED), which is absent here"
    }
}
