/// A drift report as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets.
///
/// The page has a summary (dataset drift, drifted share), a table of columns sorted by how far each is past
/// (or short of) its threshold, and per column a card with the test, score, threshold and decision, the
/// reference and current histograms overlaid (bars per category for categorical columns), and a timeline
/// of past scores when `context.timelines` has one for the column.
public enum DriftReportHTML {
    /// The page for `report`.
    public static func render(_ report: DatasetDriftReport, context: DriftReportContext) -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        html += "<title>\(escape(context.title))</title><style>\(style)</style></head><body>\n"
        html += "<header><h1>\(escape(context.title))</h1>"
        for line in context.details { html += "<p class=\"detail\">\(escape(line))</p>" }
        html += "</header>\n"
        html += summary(report)
        html += table(report)
        html += "<section id=\"features\">"
        for column in sortedColumns(report) {
            html += card(column, timeline: context.timelines[column.column] ?? [])
        }
        html += "</section>\n"
        if !report.skippedTextColumns.isEmpty {
            html += "<p class=\"detail\">Text columns not tested: \(escape(report.skippedTextColumns.joined(separator: ", ")))</p>"
        }
        html += "<footer>Slipway drift report · tests and thresholds as Evidently's DataDriftPreset</footer>"
        html += "</body></html>\n"
        return html
    }

    /// Columns drifted first, then by strength (score over threshold for distances, threshold over score for
    /// p-values), then by name.
    public static func sortedColumns(_ report: DatasetDriftReport) -> [ColumnDrift] {
        report.columns.sorted { a, b in
            if a.result.driftDetected != b.result.driftDetected { return a.result.driftDetected }
            let sa = strength(a.result)
            let sb = strength(b.result)
            if sa != sb { return sa > sb }
            return a.column < b.column
        }
    }

    /// How far a result is towards drift: 1 at the threshold, larger = more drift.
    static func strength(_ r: StatTestResult) -> Double {
        let s: Double
        if r.test.scoreIsPValue {
            s = r.threshold / max(r.score, 1e-300)
        } else {
            s = r.score / max(r.threshold, 1e-300)
        }
        return s.isFinite ? s : (s.isNaN ? -1 : .greatestFiniteMagnitude)
    }

    // MARK: - Parts

    private static func summary(_ report: DatasetDriftReport) -> String {
        let drift = report.datasetDrift
        var out = "<section class=\"summary\" id=\"summary\">"
        out += "<div class=\"tile \(drift ? "bad" : "good")\"><div class=\"big\" id=\"dataset-drift\">"
        out += drift ? "Dataset drift" : "No dataset drift"
        out += "</div><div>drift share threshold \(number(report.driftShare))</div></div>"
        out += "<div class=\"tile\"><div class=\"big\">\(report.nDrifted) / \(report.nColumns)</div><div>columns drifted</div></div>"
        out += "<div class=\"tile\"><div class=\"big\">\(number(report.share * 100))%</div><div>drifted share</div></div>"
        out += "</section>\n"
        return out
    }

    private static func table(_ report: DatasetDriftReport) -> String {
        var out = "<section><h2>Columns</h2><table id=\"drift-table\"><thead><tr>"
        out += "<th>Column</th><th>Type</th><th>Test</th><th class=\"num\">Score</th><th class=\"num\">Threshold</th><th>Drift</th>"
        out += "</tr></thead><tbody>"
        for c in sortedColumns(report) {
            let r = c.result
            out += "<tr data-column=\"\(escape(c.column))\" data-drift=\"\(r.driftDetected)\">"
            out += "<td><a href=\"#\(anchor(c.column))\">\(escape(c.column))</a></td>"
            out += "<td>\(c.kind == .numerical ? "numerical" : "categorical")</td>"
            out += "<td>\(escape(r.test.displayName))</td>"
            out += "<td class=\"num\">\(number(r.score))</td><td class=\"num\">\(number(r.threshold))</td>"
            out += "<td>\(badge(r.driftDetected))</td></tr>"
        }
        out += "</tbody></table></section>\n"
        return out
    }

    private static func card(_ c: ColumnDrift, timeline: [DriftTimelinePoint]) -> String {
        let r = c.result
        var out = "<article class=\"feature\" id=\"\(anchor(c.column))\" data-column=\"\(escape(c.column))\">"
        out += "<div class=\"feature-head\"><h3>\(escape(c.column))</h3>\(badge(r.driftDetected))</div>"
        out += "<p class=\"stat\"><span>\(c.kind == .numerical ? "numerical" : "categorical")</span>"
        out += "<span>test <b>\(escape(r.test.displayName))</b> (\(escape(r.test.rawValue)))</span>"
        out += "<span>score <b>\(number(r.score))</b></span><span>threshold <b>\(number(r.threshold))</b></span>"
        out += "<span>drift when \(escape(r.test.rule.rawValue))</span></p>"
        if let h = c.histogram {
            out += histogramSVG(h, categorical: h.edges.isEmpty)
        }
        if timeline.count >= 1 {
            out += timelineSVG(timeline)
        }
        out += "</article>\n"
        return out
    }

    private static func badge(_ drift: Bool) -> String {
        drift ? "<span class=\"badge bad\">drift</span>" : "<span class=\"badge good\">no drift</span>"
    }

    // MARK: - SVG

    static let referenceColor = "#4c78a8"
    static let currentColor = "#f58518"

    private static func histogramSVG(_ h: DriftHistogram, categorical: Bool) -> String {
        let width = 640.0
        let height = categorical ? 250.0 : 220.0
        let left = 48.0
        let right = 12.0
        let top = 26.0
        let bottom = categorical ? 74.0 : 40.0
        let plotW = width - left - right
        let plotH = height - top - bottom
        let maxY = niceCeiling(max((h.reference + h.current).max() ?? 0, 1e-12))
        let n = max(h.labels.count, 1)
        let slot = plotW / Double(n)
        var out = "<svg class=\"histogram\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
        out += "xmlns=\"http://www.w3.org/2000/svg\"><title>Reference and current distribution</title>"
        out += legend(x: left, y: 14, items: [("reference", referenceColor), ("current", currentColor)])
        out += yAxis(left: left, top: top, plotW: plotW, plotH: plotH, maxY: maxY, percent: true)
        for i in 0..<h.labels.count {
            let x0 = left + Double(i) * slot
            let rh = h.reference[i] / maxY * plotH
            let ch = h.current[i] / maxY * plotH
            if categorical {
                let bw = slot * 0.38
                out += rect(x: x0 + slot * 0.1, y: top + plotH - rh, w: bw, h: rh, fill: referenceColor, opacity: 0.85, cls: "ref")
                out += rect(x: x0 + slot * 0.1 + bw, y: top + plotH - ch, w: bw, h: ch, fill: currentColor, opacity: 0.85, cls: "cur")
                let label = h.labels[i].count > 14 ? String(h.labels[i].prefix(13)) + "…" : h.labels[i]
                let lx = x0 + slot / 2
                let ly = top + plotH + 10
                out += "<text class=\"tick\" x=\"\(f(lx))\" y=\"\(f(ly))\" text-anchor=\"end\" "
                out += "transform=\"rotate(-35 \(f(lx)) \(f(ly)))\">\(escape(label))</text>"
            } else {
                let gap = slot > 6 ? 1.0 : 0.0
                out += rect(x: x0, y: top + plotH - rh, w: slot - gap, h: rh, fill: referenceColor, opacity: 0.5, cls: "ref")
                out += rect(x: x0, y: top + plotH - ch, w: slot - gap, h: ch, fill: currentColor, opacity: 0.5, cls: "cur")
            }
        }
        if !categorical, let first = h.edges.first, let last = h.edges.last {
            let ticks = 4
            for t in 0...ticks {
                var v = first + (last - first) * Double(t) / Double(ticks)
                if abs(v) < abs(last - first) * 1e-9 { v = 0 }
                let x = left + plotW * Double(t) / Double(ticks)
                out += "<line class=\"axis\" x1=\"\(f(x))\" y1=\"\(f(top + plotH))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH + 4))\"/>"
                let anchor = t == 0 ? "start" : t == ticks ? "end" : "middle"
                out += "<text class=\"tick\" x=\"\(f(x))\" y=\"\(f(top + plotH + 17))\" text-anchor=\"\(anchor)\">"
                out += "\(escape(DriftHistogram.shortNumber(v)))</text>"
            }
        }
        out += "</svg>"
        return out
    }

    private static func timelineSVG(_ points: [DriftTimelinePoint]) -> String {
        let width = 640.0
        let height = 170.0
        let left = 48.0
        let right = 12.0
        let top = 26.0
        let bottom = 34.0
        let plotW = width - left - right
        let plotH = height - top - bottom
        let finite = points.filter { $0.score.isFinite }
        let maxY = niceCeiling(max((finite.map(\.score) + finite.map(\.threshold)).max() ?? 1, 1e-12) * 1.05)
        let t0 = points.map(\.time).min() ?? 0
        let t1 = points.map(\.time).max() ?? 0
        let span = max(t1 - t0, 1)
        func x(_ t: Double) -> Double { points.count == 1 ? left + plotW / 2 : left + (t - t0) / span * plotW }
        func y(_ v: Double) -> Double { top + plotH - min(max(v, 0), maxY) / maxY * plotH }
        var out = "<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
        out += "xmlns=\"http://www.w3.org/2000/svg\"><title>Drift score over time</title>"
        out += legend(x: left, y: 14, items: [("score", "#54a24b"), ("threshold", "#888888"), ("drift", "#d62728")])
        out += yAxis(left: left, top: top, plotW: plotW, plotH: plotH, maxY: maxY, percent: false)
        if let th = points.last?.threshold, th.isFinite {
            out += "<line class=\"threshold\" x1=\"\(f(left))\" y1=\"\(f(y(th)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(th)))\" "
            out += "stroke=\"#888\" stroke-dasharray=\"5 4\"/>"
        }
        let path = finite.map { "\(f(x($0.time))),\(f(y($0.score)))" }.joined(separator: " ")
        out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#54a24b\" stroke-width=\"2\"/>"
        for p in finite {
            let color = p.driftDetected ? "#d62728" : "#54a24b"
            out += "<circle class=\"point\" data-drift=\"\(p.driftDetected)\" cx=\"\(f(x(p.time)))\" cy=\"\(f(y(p.score)))\" "
            out += "r=\"\(p.driftDetected ? 4 : 3)\" fill=\"\(color)\"><title>\(escape(UTCTime.format(p.time))) UTC: "
            out += "\(number(p.score))</title></circle>"
        }
        out += "<text class=\"tick\" x=\"\(f(left))\" y=\"\(f(top + plotH + 18))\">\(escape(UTCTime.format(t0)))</text>"
        if points.count > 1 {
            out += "<text class=\"tick\" x=\"\(f(left + plotW))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"end\">"
            out += "\(escape(UTCTime.format(t1)))</text>"
        }
        out += "</svg>"
        return out
    }

    private static func yAxis(left: Double, top: Double, plotW: Double, plotH: Double, maxY: Double, percent: Bool) -> String {
        var out = ""
        for t in 0...4 {
            let v = maxY * Double(t) / 4
            let y = top + plotH - plotH * Double(t) / 4
            out += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\"/>"
            let label = percent ? DriftHistogram.shortNumber(v * 100) + "%" : DriftHistogram.shortNumber(v)
            out += "<text class=\"tick\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(escape(label))</text>"
        }
        out += "<line class=\"axis\" x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\"/>"
        return out
    }

    private static func legend(x: Double, y: Double, items: [(String, String)]) -> String {
        var out = ""
        var cx = x
        for (name, color) in items {
            out += "<rect x=\"\(f(cx))\" y=\"\(f(y - 9))\" width=\"11\" height=\"11\" rx=\"2\" fill=\"\(color)\"/>"
            out += "<text class=\"legend\" x=\"\(f(cx + 16))\" y=\"\(f(y))\">\(name)</text>"
            cx += 26 + Double(name.count) * 7
        }
        return out
    }

    private static func rect(x: Double, y: Double, w: Double, h: Double, fill: String, opacity: Double, cls: String) -> String {
        "<rect class=\"\(cls)\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(w, 0)))\" height=\"\(f(max(h, 0)))\" fill=\"\(fill)\" fill-opacity=\"\(opacity)\"/>"
    }

    /// The smallest of 1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10 times a power of ten at or above `v` (round quarter ticks).
    static func niceCeiling(_ v: Double) -> Double {
        guard v.isFinite, v > 0 else { return 1 }
        var scale = 1.0
        while scale * 10 <= v { scale *= 10 }
        while scale > v { scale /= 10 }
        for step in [1.0, 1.2, 1.6, 2.0, 2.4, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] where step * scale >= v * (1 - 1e-12) { return step * scale }
        return 10 * scale
    }

    // MARK: - Text

    /// A coordinate with two decimals.
    private static func f(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        return "\((v * 100).rounded() / 100)"
    }

    /// A score for people: 4 significant digits, scientific notation for tiny p-values.
    static func number(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "-∞") }
        if v != 0 && abs(v) < 1e-4 { return DriftHistogram.shortNumber(v) }
        let magnitude = abs(v)
        let decimals = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : 4
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        var s = "\((v * scale).rounded() / scale)"
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    /// HTML-escaped text.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// An element id for a column name.
    static func anchor(_ column: String) -> String {
        var out = "col-"
        for scalar in column.unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") || scalar == "-"
                || scalar == "_"
            {
                out.unicodeScalars.append(scalar)
            } else {
                out += "_\(scalar.value)_"
            }
        }
        return out
    }

    static let style = """
        :root{color-scheme:light;--fg:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bad:#d62728;--good:#2f9e44;--card:#fff;--bg:#f5f7fa}
        *{box-sizing:border-box}body{margin:0;padding:24px 32px 40px;font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
        header h1{margin:0 0 4px;font-size:22px}.detail{margin:2px 0;color:var(--muted)}
        h2{font-size:17px;margin:24px 0 10px}h3{margin:0;font-size:16px}
        .summary{display:flex;gap:14px;margin-top:18px;flex-wrap:wrap}
        .tile{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 18px;min-width:170px;color:var(--muted)}
        .tile .big{font-size:22px;font-weight:600;color:var(--fg)}.tile.bad{border-left:5px solid var(--bad)}.tile.good{border-left:5px solid var(--good)}
        table{border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden;min-width:640px}
        th,td{padding:7px 14px;border-bottom:1px solid var(--line);text-align:left}th{background:#eef1f5;font-weight:600;font-size:13px}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}tr:last-child td{border-bottom:none}
        a{color:#1c64b8;text-decoration:none}a:hover{text-decoration:underline}
        .badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;color:#fff}
        .badge.bad{background:var(--bad)}.badge.good{background:var(--good)}
        #features{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px;margin-top:24px}
        .feature{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
        .feature-head{display:flex;align-items:center;gap:10px}
        .stat{display:flex;flex-wrap:wrap;gap:4px 16px;color:var(--muted);margin:6px 0 8px}.stat b{color:var(--fg)}
        svg{width:100%;height:auto;display:block;margin-top:4px}
        svg .tick,svg .legend{font:11px -apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#52606d}svg .legend{font-size:12px;fill:#1f2933}
        svg .grid{stroke:#eef0f3}svg .axis{stroke:#9aa5b1}
        footer{margin-top:28px;color:var(--muted);font-size:12px}
        """
}
