import Foundation
import SlipwaySecurity

/// Temporary directories and tools the security tests share.
enum SecurityTestSupport {
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-security-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func database() throws -> (SecurityDatabase, URL) {
        let dir = try temporaryDirectory()
        return (try SecurityDatabase.open(dataDirectory: dir), dir)
    }

    /// The path of a command-line tool, or nil when it is not installed.
    static func tool(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    /// Runs a tool; returns its exit status and output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs SQL against a database file with the sqlite3 tool (to tamper as an attacker would).
    static func sqlite(_ file: URL, _ sql: String) throws -> (status: Int32, output: String)? {
        guard let sqlite3 = tool("sqlite3") else { return nil }
        return try run(sqlite3, [file.path, sql])
    }
}
