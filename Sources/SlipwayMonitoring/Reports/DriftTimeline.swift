/// One past drift check of one feature, for the timeline of a report.
public struct DriftTimelinePoint: Sendable, Equatable, Codable {
    /// Seconds since 1970 (UTC).
    public var time: Double
    public var score: Double
    public var threshold: Double
    public var driftDetected: Bool

    public init(time: Double, score: Double, threshold: Double, driftDetected: Bool) {
        self.time = time
        self.score = score
        self.threshold = threshold
        self.driftDetected = driftDetected
    }
}

/// What an HTML drift report shows besides the report itself.
public struct DriftReportContext: Sendable {
    /// The page title ("Drift: iris v3", "Drift: reference.csv → current.csv").
    public var title: String
    /// Lines under the title (data sources, window, time).
    public var details: [String]
    /// Past checks per feature (oldest first); features without history have no timeline.
    public var timelines: [String: [DriftTimelinePoint]]

    public init(title: String, details: [String] = [], timelines: [String: [DriftTimelinePoint]] = [:]) {
        self.title = title
        self.details = details
        self.timelines = timelines
    }
}

/// UTC calendar formatting without Foundation (civil-from-days, Howard Hinnant's algorithm).
public enum UTCTime {
    /// `YYYY-MM-DD HH:MM:SS` for seconds since 1970.
    public static func format(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e13 else { return "\(seconds)" }
        let total = Int(seconds.rounded(.down))
        var days = total / 86_400
        var rest = total % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))"
    }
}
