public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import SlipwayMonitoring

/// Sends alert events to their channels: a webhook gets a JSON POST, retried with exponential back-off
/// (0.5 s, 1 s, 2 s, …) until a 2xx answer or the retries run out; the log channel writes a line.
public struct AlertNotifier: Sendable {
    let client: HTTPClient
    let logger: Logger
    /// The first back-off; doubled after each failed try.
    let backoff: Duration

    public init(client: HTTPClient = .shared, logger: Logger, backoff: Duration = .milliseconds(500)) {
        self.client = client
        self.logger = logger
        self.backoff = backoff
    }

    /// The JSON body of a webhook notification.
    public static func body(_ event: AlertEvent) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.raw("{\"rule\":")
        w.string(event.rule)
        w.raw(",\"model\":")
        w.string(event.model)
        w.raw(",\"state\":")
        w.string(event.state.rawValue)
        w.raw(",\"severity\":")
        w.string(event.severity)
        w.raw(",\"metric\":")
        w.string(event.metric)
        w.raw(",\"value\":")
        if let value = event.value, value.isFinite { w.number(value) } else { w.raw("null") }
        w.raw(",\"comparison\":")
        w.string(event.comparison)
        w.raw(",\"threshold\":")
        w.number(event.threshold)
        w.raw(",\"at\":")
        w.string(Date(timeIntervalSince1970: event.at).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        w.raw(",\"message\":")
        w.string(event.message)
        w.raw("}")
        return w.bytes
    }

    /// Notifies every channel of `rule`; returns after the last webhook try.
    public func notify(_ event: AlertEvent, channels: [AlertChannel]) async {
        for channel in channels {
            switch channel {
            case .log:
                let metadata: Logger.Metadata = [
                    "alert": "\(event.rule)", "model": "\(event.model)", "state": "\(event.state.rawValue)", "severity": "\(event.severity)",
                ]
                if event.state == .firing {
                    logger.warning("\(event.message)", metadata: metadata)
                } else {
                    logger.info("\(event.message)", metadata: metadata)
                }
            case .webhook(let url, let retries, let timeout):
                await post(event, to: url, retries: retries, timeout: timeout)
            }
        }
    }

    /// POSTs the event; true once a try got a 2xx answer.
    @discardableResult
    public func post(_ event: AlertEvent, to url: String, retries: Int, timeout: Double) async -> Bool {
        let body = Self.body(event)
        var delay = backoff
        for attempt in 0...max(0, retries) {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "slipway/\(SlipwayRuntime.version)")
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
                _ = try? await response.body.collect(upTo: 1 << 16)
                if (200..<300).contains(response.status.code) { return true }
                logger.warning(
                    "alert webhook answered \(response.status.code)",
                    metadata: ["url": "\(url)", "attempt": "\(attempt + 1)", "alert": "\(event.rule)"])
            } catch {
                logger.warning("alert webhook failed", metadata: ["url": "\(url)", "attempt": "\(attempt + 1)", "error": "\(error)"])
            }
            if attempt < retries {
                try? await Task.sleep(for: delay)
                delay *= 2
            }
        }
        logger.error("alert webhook gave up", metadata: ["url": "\(url)", "alert": "\(event.rule)", "state": "\(event.state.rawValue)"])
        return false
    }
}
