import SlipwayMonitoring
import SlipwayRuntime
import Testing

/// The monitoring sections of the configuration file: per-model logging, retention and quality roles; alert
/// rules, whose mistakes stop start-up with the line and the reason.
@Suite struct MonitoringConfigurationTests {
    @Test func modelSettingsParseAndInheritDefaults() throws {
        let configuration = try SlipwayConfiguration(
            yaml: """
                defaults:
                  log: sample(0.5)
                  retention_days: 7
                models:
                  iris:
                    never_log: [X, ssn]
                    quality: {task: classification, label_output: label, classes: [a, b, c], window: 50}
                  house:
                    log: none
                    retention_days: forever
                """)
        let iris = configuration.settings(for: "iris").monitoring
        #expect(iris.log == .sample(0.5))
        #expect(iris.retentionDays == 7)
        #expect(iris.neverLog == ["X", "ssn"])
        #expect(iris.outputRoles.task == .classification)
        #expect(iris.outputRoles.classes == ["a", "b", "c"])
        #expect(iris.qualityWindow == 50)
        let house = configuration.settings(for: "house").monitoring
        #expect(house.log == PredictionLogMode.none)
        #expect(house.retentionDays == nil)
        #expect(configuration.settings(for: "other").monitoring.log == .sample(0.5))
    }

    @Test func alertRulesParse() throws {
        let configuration = try SlipwayConfiguration(
            yaml: """
                prediction_log: {queue_capacity: 1000, batch_size: 64, commit_interval: 250ms}
                alerts:
                  interval: 5s
                  channels:
                    oncall: {webhook: "https://hooks.example/x", retries: 5, timeout: 2s}
                  rules:
                    - {name: slow, metric: latency_p99, window: 5m, threshold: 0.25, for: 1m, channels: [oncall, log], cooldown: 10m}
                    - {name: bad, model: iris, metric: accuracy, comparison: "<", threshold: 0.9, severity: page}
                """)
        let monitoring = configuration.monitoring
        #expect(monitoring.queueCapacity == 1000)
        #expect(monitoring.batchSize == 64)
        #expect(monitoring.commitInterval == 0.25)
        #expect(MonitoringSettings().commitInterval == 0.02)
        #expect(monitoring.alertInterval == 5)
        #expect(monitoring.alertRules.count == 2)
        let slow = monitoring.alertRules[0]
        #expect(slow.metric == .latencyP99)
        #expect(slow.window == 300)
        #expect(slow.forSeconds == 60)
        #expect(slow.cooldownSeconds == 600)
        #expect(slow.channels == [.webhook(url: "https://hooks.example/x", retries: 5, timeout: 2), .log])
        let bad = monitoring.alertRules[1]
        #expect(bad.metric == .quality("accuracy"))
        #expect(bad.comparison == .less)
        #expect(bad.model == "iris")
        #expect(bad.channels == [.log])
    }

    @Test(arguments: [
        ("alerts:\n  rules:\n    - name: x\n      metric: p50\n      threshold: 1\n", 4, "unknown metric 'p50'"),
        ("alerts:\n  rules:\n    - name: x\n      metric: error_rate\n", 3, "missing required key 'threshold'"),
        ("alerts:\n  rules:\n    - name: x\n      metric: error_rate\n      threshold: 1\n      channels: [pager]\n", 6, "unknown channel 'pager'"),
        ("alerts:\n  rules:\n    - name: x\n      metric: error_rate\n      threshold: high\n", 5, "expected a number"),
        ("alerts:\n  rules:\n    - name: x\n      metric: error_rate\n      threshold: 1\n      window: soon\n", 6, "expected a duration"),
        (
            "alerts:\n  rules:\n    - {name: x, metric: error_rate, threshold: 1}\n    - {name: x, metric: error_rate, threshold: 2}\n", 4,
            "appears twice"
        ),
        ("alerts:\n  channels:\n    hook: {webhook: ftp://x}\n", 3, "http:// or https://"),
        ("models:\n  iris:\n    log: sometimes\n", 3, "sample(RATE)"),
        ("models:\n  iris:\n    retention_days: -1\n", 3, "positive number of days"),
        ("models:\n  iris:\n    quality: {task: ranking}\n", 3, "expected one of classification, regression"),
        ("prediction_log:\n  commit_interval: 0s\n", 2, "must be longer than 0"),
        ("prediction_log:\n  commit_interval: 1m\n", 2, "at most 10s"),
        ("prediction_log:\n  retention_interval: 1e300d\n", 2, "too long"),
        ("alerts:\n  interval: 99999999999999h\n", 2, "too long"),
    ])
    func badSettingsFailWithTheLineAndReason(yaml: String, line: Int, reason: String) {
        do {
            _ = try SlipwayConfiguration(yaml: yaml, file: "slipway.yaml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("slipway.yaml:\(line):"), "\(error)")
        }
    }
}
