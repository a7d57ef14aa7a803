import ArgumentParser
import Foundation
import SlipwayMonitoring
import SlipwayRuntime

/// `slipway events`: the recorded retraining triggers (from `drift.sqlite` in the data directory).
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Recorded retraining triggers (dataset drift, concept drift, quality), newest first.")

    @OptionGroup var data: DataDirOptions

    @Option(help: "Only this model's events.")
    var model: String?

    @Option(help: "At most this many events (default 100).")
    var limit: Int = 100

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        try CLIExit.reporting {
            guard limit > 0 else { throw InferenceError(.badRequest, "--limit must be positive, got \(limit)") }
            let path = data.url.appendingPathComponent("drift.sqlite").path
            var events: [RetrainingEvent] = []
            if FileManager.default.fileExists(atPath: path) {
                do {
                    events = try DriftHistoryStore(path: path).readEvents(model: model, limit: limit)
                } catch let error as DriftError {
                    throw InferenceError(.badRequest, error.message)
                }
            }
            if json {
                try writeOutput(Array((RetrainingEvent.json(events) + "\n").utf8), to: nil)
                return
            }
            var out = ""
            if events.isEmpty { out = "no events\n" }
            for e in events {
                out += "\(UTCTime.format(e.time))  \(e.model) v\(e.version)  \(e.reason.rawValue)  \(e.action) → \(e.outcome.rawValue)  \(e.detail)\n"
            }
            try writeOutput(Array(out.utf8), to: nil)
        }
    }
}
