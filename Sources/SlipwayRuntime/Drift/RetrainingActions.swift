import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import SlipwayMonitoring
import Synchronization

/// What a retraining trigger does: POST the JSON to a webhook, or run a command with the JSON on its
/// standard input.
public enum RetrainingAction: Sendable, Equatable {
    case webhook(String)
    case command([String])
    case none

    /// `webhook`, `command` or `none`, as recorded in events.
    public var name: String {
        switch self {
        case .webhook: "webhook"
        case .command: "command"
        case .none: "none"
        }
    }

    /// Runs the action; returns the outcome and a one-line detail. Never throws: failures are outcomes.
    public func perform(payload: String, timeout: Duration = .seconds(30)) async -> (RetrainingOutcome, String) {
        switch self {
        case .none:
            return (.recorded, "no action configured")
        case .webhook(let url):
            do {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: payload))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
                let ok = (200..<300).contains(Int(response.status.code))
                return (ok ? .sent : .failed, "webhook \(url) answered \(response.status.code)")
            } catch {
                return (.failed, "webhook \(url) failed: \(error)")
            }
        case .command(let argv):
            return await Self.run(argv, input: payload, timeout: timeout)
        }
    }

    /// Runs `argv` (no shell) on a thread of its own, writing `input` to its standard input.
    static func run(_ argv: [String], input: String, timeout: Duration) async -> (RetrainingOutcome, String) {
        guard let executable = argv.first else { return (.failed, "empty command") }
        return await withCheckedContinuation { continuation in
            let thread = Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = Array(argv.dropFirst())
                let stdin = Pipe()
                process.standardInput = stdin
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(returning: (.failed, "command \(executable) did not start: \(error.localizedDescription)"))
                    return
                }
                try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
                try? stdin.fileHandleForWriting.close()
                let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
                while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
                if process.isRunning {
                    process.terminate()
                    continuation.resume(returning: (.failed, "command \(executable) timed out after \(timeout) and was stopped"))
                    return
                }
                let status = process.terminationStatus
                continuation.resume(returning: (status == 0 ? .sent : .failed, "command \(executable) exited with status \(status)"))
            }
            thread.start()
        }
    }
}

/// Retraining triggers: decides by each model's policy and cooldown, runs the action, records every trigger
/// (suppressed ones too) in the drift history.
public final class RetrainingTriggers: Sendable {
    private let settings: @Sendable (String) -> ModelDriftSettings
    private let history: DriftHistoryStore?
    private let cooldown = RetrainingCooldown()
    /// `model/version/metric` of the quality measurements now below their threshold (a measurement fires once
    /// when it crosses below, not again at every refresh while it stays there).
    private let qualityBelow = Mutex<Set<String>>([])
    private let clock: @Sendable () -> Double

    public init(
        settings: @escaping @Sendable (String) -> ModelDriftSettings, history: DriftHistoryStore?, clock: @escaping @Sendable () -> Double
    ) {
        self.settings = settings
        self.history = history
        self.clock = clock
    }

    /// The action configured for `model`.
    public func action(for model: String) -> RetrainingAction {
        let s = settings(model)
        if let url = s.webhook { return .webhook(url) }
        if let argv = s.command { return .command(argv) }
        return .none
    }

    /// After a drift check: fires on dataset drift when the policy asks for it.
    @discardableResult
    public func checked(_ check: DriftCheck) async -> RetrainingEvent? {
        guard let reason = settings(check.model).retraining.reason(for: check) else { return nil }
        let detail = "\(check.inputs.nDrifted) of \(check.inputs.nColumns) columns drifted (share \(check.inputs.share)) in window \(check.window)"
        return await fire(model: check.model, version: check.version, reason: reason, detail: detail, driftSummary: check.summaryJSON())
    }

    /// After a concept-drift detector fired at outcome `outcomes - 1` (0-based) of `version`'s labelled
    /// outcomes: the event is always recorded; the action runs when the policy retrains on concept drift.
    @discardableResult
    public func conceptDrift(model: String, version: String, outcomes: Int) async -> RetrainingEvent? {
        let s = settings(model)
        let detector = s.conceptDetector?.rawValue ?? "detector"
        let detail = "\(detector) detected concept drift at outcome \(outcomes - 1) (0-based) of version \(version)'s labelled outcomes"
        let summary = "{\"detector\":\"\(detector)\",\"outcome_index\":\(outcomes - 1),\"outcomes\":\(outcomes)}"
        guard s.retraining.onConceptDrift else {
            return await fire(
                model: model, version: version, reason: .conceptDrift, detail: detail + "; retraining on concept drift is off (retrain_on)",
                driftSummary: summary, run: false)
        }
        return await fire(model: model, version: version, reason: .conceptDrift, detail: detail, driftSummary: summary)
    }

    /// A quality measurement (the periodic quality refresh of the server calls it): fires when it crosses below
    /// the policy's threshold.
    @discardableResult
    public func quality(model: String, version: String, metric: String, value: Double) async -> RetrainingEvent? {
        let policy = settings(model).retraining
        let key = "\(model)/\(version)/\(metric)"
        let fires = policy.qualityFires(metric: metric, value: value)
        let crossed = qualityBelow.withLock { below -> Bool in
            guard fires else {
                below.remove(key)
                return false
            }
            return below.insert(key).inserted
        }
        guard crossed else { return nil }
        let detail = "\(metric) \(value) is below \(policy.qualityThreshold ?? 0)"
        return await fire(model: model, version: version, reason: .quality, detail: detail, driftSummary: nil)
    }

    /// Records the event; runs the action when `run` and the cooldown admit it.
    private func fire(
        model: String, version: String, reason: RetrainingReason, detail: String, driftSummary: String?, run: Bool = true
    ) async -> RetrainingEvent {
        let now = clock()
        let action = run ? action(for: model) : .none
        let export = "slipway logs export \(model) --version \(version) --labelled --format csv"
        let payload = RetrainingPayload.json(
            model: model, version: version, reason: reason, time: now, detail: detail, driftSummary: driftSummary, exportCommand: export)
        var event = RetrainingEvent(
            time: now, model: model, version: version, reason: reason, action: action.name, outcome: .recorded, detail: detail,
            payload: payload)
        if !run {
            event.outcome = .recorded
        } else if cooldown.admit(model: model, now: now, cooldown: settings(model).retraining.cooldown) {
            let (outcome, note) = await action.perform(payload: payload)
            event.outcome = outcome
            event.detail = detail + "; " + note
        } else {
            event.outcome = .suppressedByCooldown
        }
        if let history {
            event.id = try? await history.record(event)
        }
        return event
    }
}
