import SlipwayMonitoring
import Testing

/// Alert states: pending until `for` has passed, firing once, resolved when the condition stops or data
/// runs out, and the cooldown holding back a second firing notification.
@Suite struct AlertStateMachineTests {
    let rule = AlertRule(name: "slow", metric: .latencyP99, window: 60, comparison: .greater, threshold: 0.1, forSeconds: 30, cooldownSeconds: 300)

    @Test func firesAfterForAndResolves() {
        var machine = AlertStateMachine()
        #expect(machine.evaluate(rule: rule, model: "iris", value: 0.05, now: 0) == nil)
        #expect(machine.evaluate(rule: rule, model: "iris", value: 0.2, now: 10) == nil)
        #expect(machine.pending.count == 1)
        #expect(machine.evaluate(rule: rule, model: "iris", value: 0.3, now: 30) == nil)
        let fired = machine.evaluate(rule: rule, model: "iris", value: 0.3, now: 40)
        #expect(fired?.state == .firing)
        #expect(fired?.notified == true)
        #expect(fired?.value == 0.3)
        #expect(machine.firing.map(\.model) == ["iris"])
        #expect(machine.evaluate(rule: rule, model: "iris", value: 0.4, now: 50) == nil)
        let resolved = machine.evaluate(rule: rule, model: "iris", value: nil, now: 60)
        #expect(resolved?.state == .resolved)
        #expect(machine.firing.isEmpty)
    }

    @Test func pendingThatStopsHoldingNeverFires() {
        var machine = AlertStateMachine()
        _ = machine.evaluate(rule: rule, model: "iris", value: 0.2, now: 0)
        #expect(machine.evaluate(rule: rule, model: "iris", value: 0.01, now: 20) == nil)
        #expect(machine.evaluate(rule: rule, model: "iris", value: 0.2, now: 40) == nil)
        #expect(machine.pending.first?.since == 40)
    }

    @Test func cooldownHoldsBackARepeatedFiring() {
        var machine = AlertStateMachine()
        let quick = AlertRule(name: "errors", metric: .errorRate, comparison: .greaterOrEqual, threshold: 0.5, cooldownSeconds: 100)
        #expect(machine.evaluate(rule: quick, model: "m", value: 1, now: 0)?.notified == true)
        #expect(machine.evaluate(rule: quick, model: "m", value: 0, now: 10)?.state == .resolved)
        let again = machine.evaluate(rule: quick, model: "m", value: 1, now: 20)
        #expect(again?.state == .firing)
        #expect(again?.notified == false)
        #expect(machine.evaluate(rule: quick, model: "m", value: 0, now: 30)?.state == .resolved)
        #expect(machine.evaluate(rule: quick, model: "m", value: 1, now: 150)?.notified == true)
    }

    @Test func modelsAreSeparateAlerts() {
        var machine = AlertStateMachine()
        let anyModel = AlertRule(name: "q", metric: .quality("accuracy"), comparison: .less, threshold: 0.9)
        #expect(machine.evaluate(rule: anyModel, model: "a", value: 0.5, now: 0)?.state == .firing)
        #expect(machine.evaluate(rule: anyModel, model: "b", value: 0.95, now: 0) == nil)
        #expect(machine.firing.map(\.model) == ["a"])
    }

    @Test func metricNamesParse() {
        #expect(AlertMetric(parsing: "latency_p99") == .latencyP99)
        #expect(AlertMetric(parsing: "f1_macro") == .quality("f1_macro"))
        #expect(AlertMetric(parsing: "quality.rmse") == .quality("rmse"))
        #expect(AlertMetric(parsing: "p50") == nil)
    }
}

/// The Prometheus renderer's help lines (promtool requires them).
@Suite struct MetricsHelpTests {
    @Test func helpLinesAreAddedOncePerFamily() {
        let text = "# TYPE slipway_queue_depth gauge\nslipway_queue_depth{model=\"a\"} 0\n# HELP x given\n# TYPE x counter\nx 1\n"
        let expected =
            "# HELP slipway_queue_depth Requests of a model waiting for an inference thread.\n# TYPE slipway_queue_depth gauge\n"
            + "slipway_queue_depth{model=\"a\"} 0\n# HELP x given\n# TYPE x counter\nx 1\n"
        #expect(String(decoding: MonitoringMetrics.addingHelp(to: Array(text.utf8)), as: UTF8.self) == expected)
        #expect(MonitoringMetrics.addingHelp(to: []).isEmpty)
    }
}
