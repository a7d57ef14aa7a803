import Foundation
import SlipwayMonitoring
import Testing

/// The HTML drift report: structure checked as text, and rendered in headless Chromium when it is installed.
@Suite struct DriftReportHTMLTests {
    /// A numerical column that shifts, one that does not, and a categorical column whose mix changes.
    static func tables(rows: Int = 1500) throws -> (DataTable, DataTable) {
        var ref = "x_shift,x_same,colour\n"
        var cur = "x_shift,x_same,colour\n"
        let colours = ["red", "green", "blue", "amber <&>"]
        for i in 0..<rows {
            let u = (Double(i) + 0.5) / Double(rows)
            let z = (u - 0.5) * 6
            ref += "\(z),\(z * 2),\(colours[i % 4])\n"
            cur += "\(z + 1.5),\(z * 2),\(colours[i % 3 == 0 ? 0 : i % 4])\n"
        }
        return (
            try DataTable.parseCSV(Array(ref.utf8), source: "ref.csv"), try DataTable.parseCSV(Array(cur.utf8), source: "cur.csv")
        )
    }

    static func page(timelines: Bool = true) throws -> (DatasetDriftReport, String) {
        let (ref, cur) = try tables()
        var options = DriftOptions()
        options.histograms = true
        let report = try DatasetDrift.run(reference: ref, current: cur, options: options)
        var history: [String: [DriftTimelinePoint]] = [:]
        if timelines {
            history["x_shift"] = (0..<5).map {
                DriftTimelinePoint(time: 1_790_000_000 + Double($0) * 3600, score: 0.05 * Double($0), threshold: 0.1, driftDetected: $0 >= 2)
            }
        }
        let html = DriftReportHTML.render(
            report, context: DriftReportContext(title: "Drift <test>", details: ["reference: ref.csv"], timelines: history))
        return (report, html)
    }

    @Test func pageHasSummaryTableCardsHistogramsAndTimeline() throws {
        let (report, html) = try Self.page()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Drift &lt;test&gt;</title>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains(" src="))
        #expect(!html.contains("href=\"http"))
        #expect(html.components(separatedBy: "<article class=\"feature\"").count - 1 == report.nColumns)
        #expect(html.components(separatedBy: "<svg class=\"histogram\"").count - 1 == report.nColumns)
        #expect(html.components(separatedBy: "<svg class=\"timeline\"").count - 1 == 1)
        #expect(html.contains("amber &lt;&amp;&gt;"))
        // Drifted columns first in the table.
        let rows = html.components(separatedBy: "<tr data-column=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(rows.count == 3)
        let drifted = Set(report.columns.filter { $0.result.driftDetected }.map(\.column))
        #expect(drifted.contains("x_shift"))
        #expect(!drifted.contains("x_same"))
        #expect(rows.last.map(String.init) == "x_same")
    }

    @Test func histogramsOverlayBothSidesWithFractionsSummingToOne() throws {
        let (report, _) = try Self.page(timelines: false)
        for c in report.columns {
            let h = try #require(c.histogram)
            #expect(abs(h.reference.reduce(0, +) - 1) < 1e-9)
            #expect(abs(h.current.reduce(0, +) - 1) < 1e-9)
            #expect(h.labels.count == h.reference.count)
            if c.kind == .categorical { #expect(h.edges.isEmpty) } else { #expect(h.edges.count == h.labels.count + 1) }
        }
    }

    @Test func utcTimeFormatsCivilDates() {
        #expect(UTCTime.format(0) == "1970-01-01 00:00:00")
        #expect(UTCTime.format(951_782_400) == "2000-02-29 00:00:00")
        #expect(UTCTime.format(1_795_712_911) == "2026-11-26 17:08:31")
    }

    /// Renders the page in headless Chromium and checks the DOM it built: the table rows, one card and one
    /// histogram per column, the timeline. Skips (with a message) where Chromium is not installed.
    @Test func rendersInHeadlessChromium() throws {
        guard
            let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            print("skipped: Chromium is not installed (apt-get install -y chromium)")
            return
        }
        let (report, html) = try Self.page()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("report.html")
        try html.write(to: file, atomically: true, encoding: .utf8)
        let dom = try Self.run(chromium, ["--dump-dom", file.absoluteString], home: dir)
        #expect(dom.contains("id=\"drift-table\""))
        #expect(dom.components(separatedBy: "<tr data-column=").count - 1 == report.nColumns)
        #expect(dom.components(separatedBy: "class=\"histogram\"").count - 1 == report.nColumns)
        #expect(dom.contains("class=\"timeline\""))
        #expect(dom.contains("<rect class=\"ref\""))
        #expect(dom.contains("<rect class=\"cur\""))
        let png = dir.appendingPathComponent("report.png")
        _ = try Self.run(chromium, ["--screenshot=\(png.path)", "--window-size=1280,1800", file.absoluteString], home: dir)
        let size = (try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        #expect(size > 10_000, "the screenshot should show a rendered page")
        if let keep = ProcessInfo.processInfo.environment["SLIPWAY_KEEP_REPORT_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try? FileManager.default.copyItem(atPath: png.path, toPath: keep)
        }
    }

    static func run(_ chromium: String, _ arguments: [String], home: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
