import SlipwayMonitoring
import Testing

@testable import SlipwayRuntime

/// The retraining trigger on quality: a measurement fires once when it crosses below the threshold, not at
/// every refresh while it stays there, and again after it has recovered and dropped once more.
@Suite struct RetrainingQualityTests {
    @Test func firesOnceWhenQualityCrossesBelowTheThreshold() async {
        var settings = ModelDriftSettings()
        settings.retraining.onQuality = true
        settings.retraining.qualityMetric = "accuracy"
        settings.retraining.qualityThreshold = 0.9
        settings.retraining.cooldown = 0
        let triggers = RetrainingTriggers(settings: { [settings] _ in settings }, history: nil, clock: { 1000 })
        var fired: [Double] = []
        for value in [0.95, 0.85, 0.80, 0.84, 0.93, 0.70, 0.60] {
            if await triggers.quality(model: "m", version: "1", metric: "accuracy", value: value) != nil { fired.append(value) }
        }
        #expect(fired == [0.85, 0.70])
        // Another metric, or the same metric of another version, is tracked on its own.
        #expect(await triggers.quality(model: "m", version: "1", metric: "f1_macro", value: 0.1) == nil)
        #expect(await triggers.quality(model: "m", version: "2", metric: "accuracy", value: 0.5) != nil)
    }
}
