import Foundation
import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// LinearClassifier and LinearRegressor.
@Suite struct LinearModelTests {
    @Test func multiclassSoftmax() throws {
        let op = try LinearClassifier(
            ML.config(
                "LinearClassifier", outputs: 2,
                [
                    "coefficients": .floats([1, 0, 0, 1, -1, -1]), "intercepts": .floats([0, 0.5, 0]),
                    "classlabels_ints": .ints([7, 8, 9]), "post_transform": .string("SOFTMAX"),
                ]))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([2, 2], [2, 1, -1, -2])], outputCount: 2)
        #expect(try ML.int64Values(out[0]) == [7, 9])
        let scores = try ML.floatValues(out[1])
        let raw: [Float] = [2, 1.5, -3]
        let m = raw.max() ?? 0
        let e = raw.map { expf($0 - m) }
        let total = e.reduce(0, +)
        #expect(ML.close(Array(scores[0..<3]), e.map { $0 / total }))
    }

    @Test func binarySingleColumnUsesTwoLabels() throws {
        let op = try LinearClassifier(
            ML.config(
                "LinearClassifier", outputs: 2,
                ["coefficients": .floats([1, 1]), "intercepts": .floats([-1]), "classlabels_strings": .strings(["no", "yes"])]))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([2, 2], [1, 1, 0, 0.5])], outputCount: 2)
        #expect(try ML.tensor(out[0]).elements(as: String.self) == ["yes", "no"])
        #expect(ML.close(try ML.floatValues(out[1]), [0, 1, 1.5, -0.5]))
    }

    @Test func regressorWithIntercept() throws {
        let op = try LinearRegressor(
            ML.config("LinearRegressor", ["coefficients": .floats([1, 2, 3, 4]), "intercepts": .floats([1, -1]), "targets": .int(2)]))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([1, 2], [1, 1])])
        #expect(try ML.floatValues(out[0]) == [4, 6])
        #expect(try ML.tensor(out[0]).shape == [1, 2])
        // Integer input is converted to float.
        let ints = try OperatorHarness.run(op, inputs: [.tensor(Tensor(uncheckedShape: [1, 2], storage: .int64([2, 0])))])
        #expect(try ML.floatValues(ints[0]) == [3, 5])
    }

    @Test func wrongFeatureCountIsRejected() throws {
        let op = try LinearRegressor(ML.config("LinearRegressor", ["coefficients": .floats([1, 2, 3])]))
        #expect(throws: EngineError.self) { try OperatorHarness.run(op, inputs: [ML.floats([1, 2], [1, 1])]) }
        #expect(throws: EngineError.self) { try LinearClassifier(ML.config("LinearClassifier", outputs: 2, [:])) }
    }
}
