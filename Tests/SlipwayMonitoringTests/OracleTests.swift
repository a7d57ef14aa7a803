import Foundation
import SlipwayMonitoring
import SlipwayTestSupport
import Testing

/// Every case and stream of ../shared/drift-oracle, checked against Evidently 0.7.23 / River 0.26.1.
struct OracleTests {
    static func tolerance(_ test: String, method: String?) -> Double {
        switch test {
        case "cramer_von_mises", "anderson", "mannw", "es": 1e-6
        case "ks": method == "exact" ? 1e-9 : 1e-6
        default: 1e-9
        }
    }

    static func close(_ a: Double, _ b: Double, rel: Double) -> Bool {
        if a.isNaN && b.isNaN { return true }
        if a == b { return true }
        return abs(a - b) <= max(rel * abs(b), 1e-12)
    }

    static func number(_ any: Any?) -> Double? {
        if let n = any as? NSNumber { return n.doubleValue }
        if let s = any as? String {
            switch s {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: return Double(s)
            }
        }
        return nil
    }

    @Test func dataDriftCases() throws {
        guard let root = SharedFixtures.driftOracle else {
            print(SharedFixtures.skipMessage("the drift oracle"))
            return
        }
        let casesDir = root.appendingPathComponent("cases")
        let names = try FileManager.default.contentsOfDirectory(atPath: casesDir.path).sorted()
        var failures: [String] = []
        var approximate: [String] = []
        var checks = 0
        var columnsChecked = 0
        for name in names {
            let dir = casesDir.appendingPathComponent(name)
            guard let expectedData = FileManager.default.contents(atPath: dir.appendingPathComponent("expected.json").path),
                let expected = try JSONSerialization.jsonObject(with: expectedData) as? [String: Any],
                let columns = expected["columns"] as? [[String: Any]]
            else { continue }
            let refBytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("reference.csv")))
            let curBytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("current.csv")))
            let ref = try DataTable.parseCSV(refBytes, source: "\(name)/reference.csv")
            let cur = try DataTable.parseCSV(curBytes, source: "\(name)/current.csv")
            let report = try DatasetDrift.run(reference: ref, current: cur)
            for col in columns {
                guard let cname = col["column"] as? String else { continue }
                columnsChecked += 1
                guard let got = report.columns.first(where: { $0.column == cname }) else {
                    failures.append("\(name)/\(cname): not tested")
                    continue
                }
                let where_ = "\(name)/\(cname)"
                checks += 1
                if got.kind.rawValue != col["type"] as? String { failures.append("\(where_): type \(got.kind.rawValue)") }
                if got.defaultTest.rawValue != col["default_stattest"] as? String {
                    failures.append("\(where_): default test \(got.defaultTest.rawValue) != \(col["default_stattest"] ?? "")")
                }
                if got.result.driftDetected != (col["default_drift_detected"] as? Bool) {
                    failures.append("\(where_): default decision \(got.result.driftDetected)")
                }
                let ksMethod = ((col["scipy"] as? [String: Any])?["ks_2samp"] as? [String: Any])?["method"] as? String
                if let s = Self.number(col["default_score"]),
                    !Self.close(got.result.score, s, rel: Self.tolerance(got.defaultTest.rawValue, method: ksMethod))
                {
                    failures.append("\(where_): default score \(got.result.score) != \(s)")
                }
                let sample = ColumnSample(
                    kind: got.kind, reference: ref.column(named: cname)!, current: cur.column(named: cname)!)
                for (testName, entryAny) in (col["by_test"] as? [String: Any]) ?? [:] {
                    guard let entry = entryAny as? [String: Any], let kind = StatTestKind(name: testName) else {
                        failures.append("\(where_): unknown test \(testName)")
                        continue
                    }
                    if entry["skipped"] != nil { continue }
                    checks += 1
                    let label = "\(where_) \(testName)"
                    do {
                        let r = try StatTests.run(kind, on: sample)
                        if entry["error"] != nil {
                            failures.append("\(label): expected an error (\(entry["error"] ?? "")), got \(r.score)")
                            continue
                        }
                        let permutation = entry["stochastic"] != nil
                        if permutation {
                            if let st = Self.number(entry["statistic"]), let mine = r.statistic,
                                !Self.close(mine, st, rel: 1e-9)
                            {
                                failures.append("\(label): statistic \(mine) != \(st)")
                            }
                            // Permutation p-values use this library's own shuffles, not numpy's global stream:
                            // approximate (binomial noise of 100 or 1000 permutations), reported, not failed.
                            if let s = Self.number(entry["score"]), abs(r.score - s) > 0.05 {
                                approximate.append("\(label): permutation p \(r.score) vs \(s)")
                            }
                        } else if let s = Self.number(entry["score"]),
                            !Self.close(r.score, s, rel: Self.tolerance(testName, method: ksMethod))
                        {
                            failures.append("\(label): score \(r.score) != \(s)")
                        }
                        if r.driftDetected != (entry["drift_detected"] as? Bool) {
                            if permutation {
                                approximate.append("\(label): decision \(r.driftDetected)")
                            } else {
                                failures.append("\(label): decision \(r.driftDetected)")
                            }
                        }
                    } catch {
                        if entry["error"] == nil { failures.append("\(label): unexpected error \(error.message)") }
                    }
                }
            }
            if let ds = expected["dataset"] as? [String: Any] {
                checks += 1
                if report.nDrifted != (ds["n_drifted"] as? Int) || report.datasetDrift != (ds["dataset_drift"] as? Bool)
                    || report.nColumns != (ds["n_columns"] as? Int)
                {
                    failures.append("\(name): dataset \(report.nDrifted)/\(report.nColumns) drift=\(report.datasetDrift)")
                }
            }
        }
        print("drift oracle: \(names.count) cases, \(columnsChecked) columns, \(checks) checks, \(failures.count) mismatches")
        for f in failures { print("  MISMATCH \(f)") }
        for a in approximate { print("  approximate \(a)") }
        #expect(failures.isEmpty, "\(failures.count) mismatches: \(failures.prefix(20).joined(separator: "; "))")
    }

    static func detectorKind(_ riverClass: String) -> DetectorKind? {
        switch riverClass.split(separator: ".").last.map(String.init) ?? "" {
        case "ADWIN": .adwin
        case "DDM": .ddm
        case "EDDM": .eddm
        case "HDDMA", "HDDM_A": .hddmA
        case "HDDMW", "HDDM_W": .hddmW
        case "FHDDM": .fhddm
        case "PageHinkley": .pageHinkley
        case "KSWIN": .kswin
        default: nil
        }
    }

    @Test func streamDetectors() throws {
        guard let root = SharedFixtures.driftOracle else {
            print(SharedFixtures.skipMessage("the drift oracle"))
            return
        }
        let dir = root.appendingPathComponent("streams")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        var failures: [String] = []
        var total = 0
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(file)))
            let values = try StreamInput.parse(bytes, source: file)
            guard let obj = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                let detectors = obj["detectors"] as? [[String: Any]]
            else { continue }
            for det in detectors {
                total += 1
                let id = "\(file)/\(det["id"] ?? "?")"
                guard let cls = det["river_class"] as? String, let kind = Self.detectorKind(cls) else {
                    failures.append("\(id): unknown detector")
                    continue
                }
                var params: [String: String] = [:]
                for (k, v) in (det["params"] as? [String: Any]) ?? [:] {
                    if v is NSNull { continue }
                    if let s = v as? String {
                        params[k] = s
                    } else if let n = v as? NSNumber {
                        params[k] = "\(n)"
                    }
                }
                do {
                    let trace = try kind.run(values, parameters: params)
                    let expectedDrift = (det["drift_indices"] as? [Int]) ?? []
                    var expectedWarn: [Int] = []
                    for range in (det["warning_ranges"] as? [[Int]]) ?? [] where range.count == 2 {
                        expectedWarn.append(contentsOf: range[0]...range[1])
                    }
                    if trace.driftIndices != expectedDrift {
                        failures.append("\(id): drift \(trace.driftIndices.prefix(12)) != \(expectedDrift.prefix(12))")
                    }
                    if trace.warningIndices != expectedWarn {
                        failures.append("\(id): \(trace.warningIndices.count) warning steps != \(expectedWarn.count)")
                    }
                } catch {
                    failures.append("\(id): error \(error.message)")
                }
            }
        }
        print("drift oracle streams: \(total) stream×detector runs, \(failures.count) mismatches")
        for f in failures { print("  MISMATCH \(f)") }
        #expect(failures.isEmpty, "\(failures.count) mismatches: \(failures.prefix(20).joined(separator: "; "))")
    }
}
