import Foundation
import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// TreeEnsembleClassifier, TreeEnsembleRegressor and TreeEnsemble: hand-built trees with answers worked out
/// from onnxruntime's aggregation rules.
@Suite struct TreeEnsembleTests {
    /// One tree: x0 <= 0.5 ? leaf 1 : leaf 2.
    static func stump(mode: String = "BRANCH_LEQ", missingTrue: Int = 0) -> [String: AttributeValue] {
        [
            "nodes_treeids": .ints([0, 0, 0]), "nodes_nodeids": .ints([0, 1, 2]), "nodes_featureids": .ints([0, 0, 0]),
            "nodes_modes": .strings([mode, "LEAF", "LEAF"]), "nodes_values": .floats([0.5, 0, 0]),
            "nodes_truenodeids": .ints([1, 0, 0]), "nodes_falsenodeids": .ints([2, 0, 0]),
            "nodes_missing_value_tracks_true": .ints([missingTrue, 0, 0]),
        ]
    }

    @Test func regressorSumsTreesAndAddsBase() throws {
        var a = Self.stump()
        a["n_targets"] = .int(1)
        a["target_treeids"] = .ints([0, 0])
        a["target_nodeids"] = .ints([1, 2])
        a["target_ids"] = .ints([0, 0])
        a["target_weights"] = .floats([10, 20])
        a["base_values"] = .floats([0.25])
        let op = try TreeEnsembleRegressor(ML.config("TreeEnsembleRegressor", a))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([3, 1], [0.5, 0.6, -1])])
        // x == threshold goes left under BRANCH_LEQ.
        #expect(try ML.floatValues(out[0]) == [10.25, 20.25, 10.25])
        #expect(try ML.tensor(out[0]).shape == [3, 1])
    }

    @Test func regressorAggregates() throws {
        // Two identical stumps with different weights.
        var a: [String: AttributeValue] = [
            "nodes_treeids": .ints([0, 0, 0, 1, 1, 1]), "nodes_nodeids": .ints([0, 1, 2, 0, 1, 2]),
            "nodes_featureids": .ints([0, 0, 0, 0, 0, 0]),
            "nodes_modes": .strings(["BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF"]),
            "nodes_values": .floats([0.5, 0, 0, 0.5, 0, 0]), "nodes_truenodeids": .ints([1, 0, 0, 1, 0, 0]),
            "nodes_falsenodeids": .ints([2, 0, 0, 2, 0, 0]), "n_targets": .int(1),
            "target_treeids": .ints([0, 0, 1, 1]), "target_nodeids": .ints([1, 2, 1, 2]), "target_ids": .ints([0, 0, 0, 0]),
            "target_weights": .floats([1, 2, 3, 8]),
        ]
        let x = ML.floats([2, 1], [0, 1])
        for (name, expected) in [("SUM", [Float(4), 10]), ("AVERAGE", [2, 5]), ("MIN", [1, 2]), ("MAX", [3, 8])] {
            a["aggregate_function"] = .string(name)
            let out = try OperatorHarness.run(try TreeEnsembleRegressor(ML.config("TreeEnsembleRegressor", a)), inputs: [x])
            #expect(try ML.floatValues(out[0]) == expected, "\(name)")
        }
    }

    @Test func missingValuesFollowTheFlag() throws {
        for (flag, expected) in [(1, Float(1)), (0, 2)] {
            var a = Self.stump(mode: "BRANCH_LT", missingTrue: flag)
            a["n_targets"] = .int(1)
            a["target_treeids"] = .ints([0, 0])
            a["target_nodeids"] = .ints([1, 2])
            a["target_ids"] = .ints([0, 0])
            a["target_weights"] = .floats([1, 2])
            let op = try TreeEnsembleRegressor(ML.config("TreeEnsembleRegressor", a))
            let out = try OperatorHarness.run(op, inputs: [ML.floats([1, 1], [.nan])])
            #expect(try ML.floatValues(out[0]) == [expected])
        }
    }

    @Test func binaryClassifierWithOneWeightSet() throws {
        // skl2onnx's binary random forest: class 0 weights hold P(class 1); ORT writes [1 - p, p].
        var a = Self.stump()
        a["classlabels_int64s"] = .ints([0, 1])
        a["class_treeids"] = .ints([0, 0])
        a["class_nodeids"] = .ints([1, 2])
        a["class_ids"] = .ints([0, 0])
        a["class_weights"] = .floats([0.2, 0.9])
        let op = try TreeEnsembleClassifier(ML.config("TreeEnsembleClassifier", outputs: 2, a))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([2, 1], [0, 1])], outputCount: 2)
        #expect(try ML.int64Values(out[0]) == [0, 1])
        #expect(ML.close(try ML.floatValues(out[1]), [0.8, 0.2, 0.1, 0.9]))
    }

    @Test func binaryLogisticClassifierWithBaseValue() throws {
        // XGBoost binary:logistic: mixed-sign weights, one base value, LOGISTIC.
        var a = Self.stump()
        a["classlabels_int64s"] = .ints([0, 1])
        a["class_treeids"] = .ints([0, 0])
        a["class_nodeids"] = .ints([1, 2])
        a["class_ids"] = .ints([0, 0])
        a["class_weights"] = .floats([-1, 2])
        a["base_values"] = .floats([0.5])
        a["post_transform"] = .string("LOGISTIC")
        let op = try TreeEnsembleClassifier(ML.config("TreeEnsembleClassifier", outputs: 2, a))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([2, 1], [0, 1])], outputCount: 2)
        #expect(try ML.int64Values(out[0]) == [0, 1])
        let s0: Float = -0.5
        let s1: Float = 2.5
        let expected = [1 / (1 + expf(s0)), 1 / (1 + expf(-s0)), 1 / (1 + expf(s1)), 1 / (1 + expf(-s1))]
        #expect(ML.close(try ML.floatValues(out[1]), expected))
    }

    @Test func multiclassClassifierWithStringLabelsAndSoftmax() throws {
        var a = Self.stump()
        a["classlabels_strings"] = .strings(["a", "b", "c"])
        a["class_treeids"] = .ints([0, 0, 0])
        a["class_nodeids"] = .ints([1, 2, 2])
        a["class_ids"] = .ints([2, 0, 1])
        a["class_weights"] = .floats([3, 1, 2])
        a["post_transform"] = .string("SOFTMAX")
        let op = try TreeEnsembleClassifier(ML.config("TreeEnsembleClassifier", outputs: 2, a))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([2, 1], [0, 1])], outputCount: 2)
        #expect(try ML.tensor(out[0]).elements(as: String.self) == ["c", "b"])
        let scores = try ML.floatValues(out[1])
        // Row 0: [0, 0, 3] -> softmax; row 1: [1, 2, 0].
        let e3 = expf(3)
        #expect(ML.close(Array(scores[0..<3]), [1 / (2 + e3), 1 / (2 + e3), e3 / (2 + e3)]))
        let d = expf(-1) + 1 + expf(-2)
        #expect(ML.close(Array(scores[3..<6]), [expf(-1) / d, 1 / d, expf(-2) / d]))
    }

    @Test func doubleInputUsesDoubleThresholds() throws {
        var a = Self.stump()
        a["nodes_values_as_tensor"] = .tensor(Tensor(vector: [0.1, 0.0, 0.0]))
        a["nodes_values"] = nil
        a["n_targets"] = .int(1)
        a["target_treeids"] = .ints([0, 0])
        a["target_nodeids"] = .ints([1, 2])
        a["target_ids"] = .ints([0, 0])
        a["target_weights"] = .floats([1, 2])
        let op = try TreeEnsembleRegressor(ML.config("TreeEnsembleRegressor", opset: 3, a))
        // Compared in float64: 0.1 <= 0.1 goes left, 0.10000001 (equal to 0.1 in float32) goes right.
        let x = Value.tensor(Tensor(uncheckedShape: [2, 1], storage: .float64([0.1, 0.10000001])))
        let out = try OperatorHarness.run(op, inputs: [x])
        #expect(try ML.floatValues(out[0]) == [1, 2])
    }

    @Test func badModelsAndInputsAreRejected() throws {
        var a = Self.stump()
        a["n_targets"] = .int(1)
        a["target_treeids"] = .ints([0, 0])
        a["target_nodeids"] = .ints([1, 2])
        a["target_ids"] = .ints([0, 0])
        a["target_weights"] = .floats([1, 2])
        var cyclic = a
        cyclic["nodes_modes"] = .strings(["BRANCH_LEQ", "BRANCH_LEQ", "LEAF"])
        cyclic["nodes_truenodeids"] = .ints([1, 0, 0])
        cyclic["nodes_falsenodeids"] = .ints([2, 2, 0])
        #expect(throws: EngineError.self) { try TreeEnsembleRegressor(ML.config("TreeEnsembleRegressor", cyclic)) }
        var dangling = a
        dangling["nodes_truenodeids"] = .ints([7, 0, 0])
        #expect(throws: EngineError.self) { try TreeEnsembleRegressor(ML.config("TreeEnsembleRegressor", dangling)) }
        var badTarget = a
        badTarget["target_ids"] = .ints([0, 1])
        #expect(throws: EngineError.self) { try TreeEnsembleRegressor(ML.config("TreeEnsembleRegressor", badTarget)) }
        // The tree reads feature 3 of a 1-column X; string inputs are refused.
        var wide = a
        wide["nodes_featureids"] = .ints([3, 0, 0])
        let op = try TreeEnsembleRegressor(ML.config("TreeEnsembleRegressor", wide))
        #expect(throws: EngineError.self) { try OperatorHarness.run(op, inputs: [ML.floats([1, 1], [0])]) }
        #expect(throws: EngineError.self) {
            try OperatorHarness.run(op, inputs: [.tensor(Tensor(uncheckedShape: [1, 4], storage: .string(["a", "b", "c", "d"])))])
        }
    }

    /// ai.onnx.ml 5 `TreeEnsemble` with set membership and NaN (the ONNX set-membership example).
    @Test func treeEnsembleSetMembership() throws {
        let nan = Float.nan
        let a: [String: AttributeValue] = [
            "aggregate_function": .int(1), "n_targets": .int(4), "post_transform": .int(0), "tree_roots": .ints([0]),
            "leaf_targetids": .ints([0, 1, 2, 3]), "leaf_weights": .tensor(Tensor(vector: [Float(1), 10, 1000, 100])),
            "membership_values": .tensor(Tensor(vector: [Float(1.2), 3.7, 8, 9, nan, 12, 7, nan])),
            "nodes_falseleafs": .ints([1, 0, 1]), "nodes_falsenodeids": .ints([2, 2, 3]), "nodes_featureids": .ints([0, 0, 0]),
            "nodes_modes": .tensor(Tensor(vector: [UInt8(0), 6, 6])), "nodes_splits": .tensor(Tensor(vector: [Float(11), 232344, nan])),
            "nodes_trueleafs": .ints([0, 1, 1]), "nodes_truenodeids": .ints([1, 0, 1]),
        ]
        let op = try TreeEnsemble(ML.config("TreeEnsemble", opset: 5, a))
        let x = ML.floats([6, 1], [1.2, 3.4, -0.12, nan, 12.0, 7.0])
        let out = try OperatorHarness.run(op, inputs: [x])
        let expected: [Float] = [1, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 100, 0, 0, 1000, 0, 0, 0, 1000, 0, 0, 10, 0, 0]
        #expect(try ML.floatValues(out[0]) == expected)
        #expect(throws: EngineError.self) { try TreeEnsemble(ML.config("TreeEnsemble", opset: 4, a)) }
    }
}
