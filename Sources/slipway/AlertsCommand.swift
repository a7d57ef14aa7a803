import ArgumentParser
import Foundation
import SlipwayMonitoring
import SlipwayRuntime

/// `slipway alerts`: the alert history the server records.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Alert history (rules are set in the configuration file under alerts:).",
        subcommands: [AlertsListCommand.self])
}

/// `slipway alerts list`: alert events, newest first, from the same store as `GET /api/v1/alerts`.
struct AlertsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List alert events (firing, resolved), newest first.")

    @OptionGroup var data: DataDirOptions

    @Option(help: "Events shown at most.")
    var limit = 50

    @Flag(help: "Only alerts whose latest event is firing.")
    var firing = false

    @Flag(help: "Print JSON lines.")
    var json = false

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
    }

    func run() throws {
        let events = try CLIExit.reporting { () throws -> [AlertEvent] in
            let path = data.url.appendingPathComponent(PredictionLogStore.fileName).path
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            do throws(PredictionLogError) {
                let store = try PredictionLogStore(path: path)
                return firing ? try store.firingAlerts() : try store.alertEvents(limit: limit)
            } catch {
                throw InferenceError(error)
            }
        }
        if json {
            for event in events { print(String(decoding: AlertNotifier.body(event), as: UTF8.self)) }
            return
        }
        guard !events.isEmpty else {
            print(firing ? "no alert is firing" : "no alert events")
            return
        }
        for event in events {
            let time = Date(timeIntervalSince1970: event.at).formatted(Date.ISO8601FormatStyle())
            let value = event.value.map { String(format: "%.6g", $0) } ?? "no data"
            let held = event.notified ? "" : "  (cooldown: not notified)"
            print(
                "\(time)  \(event.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(event.severity)  \(event.rule)  model=\(event.model)  \(event.metric)=\(value) \(event.comparison) \(event.threshold)\(held)"
            )
        }
    }
}
