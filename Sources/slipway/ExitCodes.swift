import ArgumentParser
import Foundation
import SlipwayRuntime
import SlipwaySecurity

/// The one place where errors become exit codes and a one-line message on stderr.
///
/// | exit | meaning |
/// | --- | --- |
/// | 0 | success |
/// | 1 | internal error (a bug) |
/// | 2 | invalid or unsupported model |
/// | 3 | bad request or input (names, types, shapes, JSON), or a conflict with the registry |
/// | 4 | not found (file, model, version) |
/// | 5 | unavailable |
/// | 6 | integrity failure (a stored artifact is tampered or truncated, a broken audit trail) |
/// | 7 | not allowed (a bad or missing credential, a role without the right) |
/// | 64 | bad command-line usage (swift-argument-parser) |
enum CLIExit {
    static func code(for error: InferenceError) -> Int32 {
        switch error.code {
        case .internal: 1
        case .invalidModel: 2
        case .badRequest, .payloadTooLarge, .conflict: 3
        case .notFound: 4
        case .unavailable: 5
        case .integrity: 6
        }
    }

    static func code(for error: SecurityError) -> Int32 {
        switch error.code {
        case .invalidArgument: 3
        case .notFound: 4
        case .storage, .rateLimited: 5
        case .integrity: 6
        case .unauthenticated, .forbidden: 7
        }
    }

    /// The exit code of any error.
    static func code(for error: any Error) -> Int32 {
        if let error = error as? SecurityError { return code(for: error) }
        return code(for: InferenceError.wrap(error))
    }

    /// Runs `body`; on error prints `error: <message>` (one line) to stderr and exits with its code.
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as SecurityError {
            FileHandle.standardError.write(Data("error: \(error.message.replacingOccurrences(of: "\n", with: " "))\n".utf8))
            throw ExitCode(code(for: error))
        } catch {
            let wrapped = InferenceError.wrap(error)
            let line = wrapped.message.replacingOccurrences(of: "\n", with: " ")
            FileHandle.standardError.write(Data("error: \(line)\n".utf8))
            throw ExitCode(code(for: wrapped))
        }
    }
}

/// Reads a whole file, or standard input for "-".
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InferenceError(.notFound, "cannot read '\(path)': no such file or not readable")
    }
    return [UInt8](data)
}

/// Writes bytes to a file, or to standard output when `path` is nil.
func writeOutput(_ bytes: [UInt8], to path: String?) throws {
    if let path {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw InferenceError(.badRequest, "cannot write '\(path)': \(error.localizedDescription)")
        }
    } else {
        FileHandle.standardOutput.write(Data(bytes))
    }
}
