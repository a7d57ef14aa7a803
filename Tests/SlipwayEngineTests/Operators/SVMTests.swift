import Foundation
import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// SVMClassifier and SVMRegressor on small hand-computed models.
@Suite struct SVMTests {
    /// Three classes, one support vector each, linear kernel.
    static var threeClass: [String: AttributeValue] {
        [
            "classlabels_ints": .ints([0, 1, 2]), "vectors_per_class": .ints([1, 1, 1]),
            "support_vectors": .floats([1, 0, 0, 1, -1, -1]), "coefficients": .floats([1, 1, -1, 1, -1, -1]),
            "rho": .floats([0, 0, 0]), "kernel_type": .string("LINEAR"),
        ]
    }

    @Test func votesAndPairwiseScores() throws {
        let op = try SVMClassifier(ML.config("SVMClassifier", outputs: 2, Self.threeClass))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([1, 2], [2, 0])], outputCount: 2)
        // Kernels k = [2, 0, -2]; coefficients rows [1, 1, -1] and [1, -1, -1].
        // Pair (0,1): row0[0]*k0 + row0[1]*k1 = 2 (class 0). Pair (0,2): row1[0]*k0 + row0[2]*k2 = 4 (class 0).
        // Pair (1,2): row1[1]*k1 + row1[2]*k2 = 2 (class 1). Votes [2, 1, 0].
        #expect(try ML.floatValues(out[1]) == [2, 4, 2])
        #expect(try ML.int64Values(out[0]) == [0])
    }

    @Test func rbfRegressor() throws {
        let op = try SVMRegressor(
            ML.config(
                "SVMRegressor",
                [
                    "n_supports": .int(2), "support_vectors": .floats([0, 0, 1, 1]), "coefficients": .floats([2, -1]),
                    "rho": .floats([0.5]), "kernel_type": .string("RBF"), "kernel_params": .floats([0.5, 0, 3]),
                ]))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([1, 2], [0, 0])])
        #expect(ML.close(try ML.floatValues(out[0]), [2 - expf(-1) + 0.5]))
    }

    @Test func binaryWithoutProbabilitiesWritesTwoColumns() throws {
        let op = try SVMClassifier(
            ML.config(
                "SVMClassifier", outputs: 2,
                [
                    "classlabels_strings": .strings(["neg", "pos"]), "vectors_per_class": .ints([1, 1]),
                    "support_vectors": .floats([1, -1]), "coefficients": .floats([1, -1]), "rho": .floats([0.5]),
                ]))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([2, 1], [1, -3])], outputCount: 2)
        // Scores: 1*1 + -1*(-1) + 0.5 = 2.5 (class 0 wins) and -3 + -3 + 0.5 = -5.5 (class 1 wins).
        #expect(try ML.floatValues(out[1]) == [-2.5, 2.5, 5.5, -5.5])
        #expect(try ML.tensor(out[0]).elements(as: String.self) == ["neg", "pos"])
    }

    @Test func probabilitiesSumToOne() throws {
        var a = Self.threeClass
        a["prob_a"] = .floats([-1, -1, -1])
        a["prob_b"] = .floats([0, 0, 0])
        let op = try SVMClassifier(ML.config("SVMClassifier", outputs: 2, a))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([1, 2], [2, 0])], outputCount: 2)
        let p = try ML.floatValues(out[1])
        #expect(p.count == 3)
        #expect(abs(p.reduce(0, +) - 1) < 1e-4)
    }

    @Test func featureMismatchIsRejected() throws {
        let op = try SVMClassifier(ML.config("SVMClassifier", outputs: 2, Self.threeClass))
        #expect(throws: EngineError.self) { try OperatorHarness.run(op, inputs: [ML.floats([1, 3], [1, 2, 3])], outputCount: 2) }
        var bad = Self.threeClass
        bad["vectors_per_class"] = .ints([1, 1])
        #expect(throws: EngineError.self) { try SVMClassifier(ML.config("SVMClassifier", outputs: 2, bad)) }
    }
}
