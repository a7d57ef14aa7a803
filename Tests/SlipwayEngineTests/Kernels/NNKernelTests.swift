import Foundation
import Testing

@testable import SlipwayEngine

@Suite struct NNKernelTests {
    /// The definition of softmax along the middle axis of `[outer, n, inner]`, in Double.
    func referenceSoftmax(_ x: [Float], outer: Int, n: Int, inner: Int, log: Bool) -> [Float] {
        var y = [Float](repeating: 0, count: x.count)
        for o in 0..<outer {
            for j in 0..<inner {
                let indices = (0..<n).map { o * n * inner + $0 * inner + j }
                let m = indices.map { Double(x[$0]) }.max() ?? 0
                let total = indices.map { _exp(Double(x[$0]) - m) }.reduce(0, +)
                for i in indices { y[i] = Float(log ? Double(x[i]) - m - _log(total) : _exp(Double(x[i]) - m) / total) }
            }
        }
        return y
    }

    func _exp(_ v: Double) -> Double { Foundation.exp(v) }
    func _log(_ v: Double) -> Double { Foundation.log(v) }

    @Test func softmaxMatchesDefinition() throws {
        var random = NNTestRandom(seed: 77)
        for _ in 0..<20 {
            let outer = random.int(1...4), n = random.int(1...40), inner = random.int(1...5)
            let x = random.floats(outer * n * inner).map { $0 * 20 }
            for (mode, log) in [(NNSoftmaxKernels.Mode.softmax, false), (.logSoftmax, true)] {
                let y = try NNSoftmaxKernels.apply(x, outer: outer, axis: n, inner: inner, mode: mode)
                let expected = referenceSoftmax(x, outer: outer, n: n, inner: inner, log: log)
                #expect(zip(y, expected).allSatisfy { abs($0 - $1) <= 1e-5 + 1e-4 * abs($1) }, "\(mode) \(outer)×\(n)×\(inner)")
            }
        }
    }

    @Test func statisticsMatchDefinition() throws {
        var random = NNTestRandom(seed: 78)
        for _ in 0..<20 {
            let rows = random.int(1...5), size = random.int(1...50)
            let x = random.floats(rows * size)
            let stats = try NNNormalizationKernels.statistics(x, rows: rows, size: size, epsilon: 1e-5)
            for r in 0..<rows {
                let row = x[(r * size)..<((r + 1) * size)].map(Double.init)
                let mean = row.reduce(0, +) / Double(size)
                let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(size)
                #expect(abs(Double(stats.mean[r]) - mean) < 1e-5)
                #expect(abs(Double(stats.invStdDev[r]) - 1 / (variance + 1e-5).squareRoot()) < 1e-3 / (variance + 1e-5).squareRoot())
            }
        }
    }

    @Test func poolPlanCoversWindowsExactly() throws {
        // 1-D, kernel 3, stride 2, pads 1/2, dilation 2: compare the plan with the definition.
        let g = NNWindowGeometry(input: [7], kernel: [3], strides: [2], dilations: [2], padsBegin: [1], padsEnd: [2], output: [4])
        let plan = NNPoolPlan(g)
        for o in 0..<4 {
            let expected = (0..<3).map { o * 2 - 1 + $0 * 2 }.filter { $0 >= 0 && $0 < 7 }
            #expect(Array(plan.taps[plan.tapStart[o]..<plan.tapStart[o + 1]]) == expected)
        }
    }
}
