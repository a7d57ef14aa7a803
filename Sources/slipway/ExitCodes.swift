import ArgumentParser
import Foundation
import SlipwayRuntime

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
/// | 6 | integrity failure (a stored artifact is tampered or truncated) |
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

    /// Runs `body`; on error prints `error: <message>` (one line) to stderr and exits with its code.
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
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
