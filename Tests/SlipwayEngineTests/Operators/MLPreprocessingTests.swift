import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

/// The ai.onnx.ml feature operators: Scaler, Normalizer, Binarizer, Imputer, OneHotEncoder, LabelEncoder,
/// CategoryMapper, ArrayFeatureExtractor, ZipMap, FeatureVectorizer, DictVectorizer, CastMap.
@Suite struct MLPreprocessingTests {
    @Test func scalerPerFeatureAndBroadcast() throws {
        let op = try Scaler(ML.config("Scaler", ["offset": .floats([1, 2]), "scale": .floats([2, 0.5])]))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([2, 2], [1, 2, 3, 6])])
        #expect(try ML.floatValues(out[0]) == [0, 0, 4, 2])
        let one = try Scaler(ML.config("Scaler", ["offset": .floats([1]), "scale": .floats([3])]))
        let ints = try OperatorHarness.run(one, inputs: [.tensor(Tensor(uncheckedShape: [3], storage: .int64([1, 2, 3])))])
        #expect(try ML.floatValues(ints[0]) == [0, 3, 6])
        #expect(throws: EngineError.self) { try OperatorHarness.run(op, inputs: [ML.floats([1, 3], [1, 2, 3])]) }
    }

    @Test func normalizerModes() throws {
        let x = ML.floats([2, 2], [3, -4, 0, 0])
        let l1 = try OperatorHarness.run(try Normalizer(ML.config("Normalizer", ["norm": .string("L1")])), inputs: [x])
        #expect(ML.close(try ML.floatValues(l1[0]), [3.0 / 7, -4.0 / 7, 0, 0]))
        let l2 = try OperatorHarness.run(try Normalizer(ML.config("Normalizer", ["norm": .string("L2")])), inputs: [x])
        #expect(ML.close(try ML.floatValues(l2[0]), [0.6, -0.8, 0, 0]))
        let mx = try OperatorHarness.run(try Normalizer(ML.config("Normalizer", ["norm": .string("MAX")])), inputs: [x])
        #expect(ML.close(try ML.floatValues(mx[0]), [1, -4.0 / 3, 0, 0]))
        #expect(throws: EngineError.self) { try Normalizer(ML.config("Normalizer", ["norm": .string("L3")])) }
    }

    @Test func binarizerAndImputer() throws {
        let b = try Binarizer(ML.config("Binarizer", ["threshold": .float(1)]))
        #expect(try ML.floatValues(OperatorHarness.run(b, inputs: [ML.floats([3], [0.5, 1, 1.5])])[0]) == [0, 0, 1])
        #expect(throws: EngineError.self) { try OperatorHarness.run(b, inputs: [ML.floats([1], [.nan])]) }
        let imp = try Imputer(
            ML.config("Imputer", ["imputed_value_floats": .floats([10, 20]), "replaced_value_float": .float(.nan)]))
        let out = try OperatorHarness.run(imp, inputs: [ML.floats([2, 2], [.nan, 1, 2, .nan])])
        #expect(try ML.floatValues(out[0]) == [10, 1, 2, 20])
        let ints = try Imputer(ML.config("Imputer", ["imputed_value_int64s": .ints([5]), "replaced_value_int64": .int(-1)]))
        let io = try OperatorHarness.run(ints, inputs: [.tensor(Tensor(uncheckedShape: [3], storage: .int64([-1, 2, -1])))])
        #expect(try ML.int64Values(io[0]) == [5, 2, 5])
    }

    @Test func oneHotEncoder() throws {
        let op = try OneHotEncoder(ML.config("OneHotEncoder", ["cats_strings": .strings(["a", "b", "c"])]))
        let x = Value.tensor(Tensor(uncheckedShape: [1, 2], storage: .string(["b", "z"])))
        let out = try OperatorHarness.run(op, inputs: [x])
        #expect(try ML.tensor(out[0]).shape == [1, 2, 3])
        #expect(try ML.floatValues(out[0]) == [0, 1, 0, 0, 0, 0])
        let strict = try OneHotEncoder(ML.config("OneHotEncoder", ["cats_strings": .strings(["a"]), "zeros": .int(0)]))
        #expect(throws: EngineError.self) { try OperatorHarness.run(strict, inputs: [x]) }
        let ints = try OneHotEncoder(ML.config("OneHotEncoder", ["cats_int64s": .ints([4, 2])]))
        let f = try OperatorHarness.run(ints, inputs: [ML.floats([2], [2.7, .nan])])
        #expect(try ML.floatValues(f[0]) == [0, 1, 0, 0])
    }

    @Test func labelEncoderOpsets() throws {
        let strings = Value.tensor(Tensor(vector: ["b", "x", "a"]))
        let v1 = try LabelEncoder(ML.config("LabelEncoder", opset: 1, ["classes_strings": .strings(["a", "b"]), "default_int64": .int(9)]))
        #expect(try ML.int64Values(OperatorHarness.run(v1, inputs: [strings])[0]) == [1, 9, 0])
        let back = try OperatorHarness.run(v1, inputs: [.tensor(Tensor(vector: [Int64(1), 5]))])
        #expect(try ML.tensor(back[0]).elements(as: String.self) == ["b", "_Unused"])
        let v2 = try LabelEncoder(
            ML.config("LabelEncoder", opset: 2, ["keys_strings": .strings(["a", "b"]), "values_floats": .floats([0.5, 1.5])]))
        let f = try ML.floatValues(OperatorHarness.run(v2, inputs: [strings])[0])
        #expect(f[0] == 1.5 && f[2] == 0.5 && f[1] == 0 && f[1].sign == .minus)
        let v4 = try LabelEncoder(
            ML.config(
                "LabelEncoder", opset: 4,
                [
                    "keys_tensor": .tensor(Tensor(vector: [Float(1), .nan])), "values_tensor": .tensor(Tensor(vector: [Int16(7), 8])),
                    "default_tensor": .tensor(Tensor(vector: [Int16(-5)])),
                ]))
        let o4 = try OperatorHarness.run(v4, inputs: [ML.floats([3], [.nan, 1, 2])])
        #expect(try ML.tensor(o4[0]).elements(as: Int16.self) == [8, 7, -5])
        #expect(throws: EngineError.self) { try OperatorHarness.run(v4, inputs: [strings]) }
        #expect(throws: EngineError.self) {
            try LabelEncoder(ML.config("LabelEncoder", opset: 2, ["keys_strings": .strings(["a"]), "values_int64s": .ints([1, 2])]))
        }
    }

    @Test func categoryMapperBothWays() throws {
        let op = try CategoryMapper(
            ML.config("CategoryMapper", ["cats_strings": .strings(["x", "y"]), "cats_int64s": .ints([3, 4]), "default_string": .string("?")]))
        let a = try OperatorHarness.run(op, inputs: [.tensor(Tensor(vector: ["y", "q"]))])
        #expect(try ML.int64Values(a[0]) == [4, -1])
        let b = try OperatorHarness.run(op, inputs: [.tensor(Tensor(vector: [Int64(3), 9]))])
        #expect(try ML.tensor(b[0]).elements(as: String.self) == ["x", "?"])
    }

    @Test func arrayFeatureExtractor() throws {
        let op = try ArrayFeatureExtractor(ML.config("ArrayFeatureExtractor", inputs: 2, [:]))
        let x = ML.floats([2, 3], [1, 2, 3, 4, 5, 6])
        let out = try OperatorHarness.run(op, inputs: [x, .tensor(Tensor(vector: [Int64(2), 0]))])
        #expect(try ML.floatValues(out[0]) == [3, 1, 6, 4])
        #expect(try ML.tensor(out[0]).shape == [2, 2])
        let flat = try OperatorHarness.run(op, inputs: [ML.floats([3], [1, 2, 3]), .tensor(Tensor(vector: [Int64(1)]))])
        #expect(try ML.tensor(flat[0]).shape == [1, 1])
        #expect(throws: EngineError.self) { try OperatorHarness.run(op, inputs: [x, .tensor(Tensor(vector: [Int64(3)]))]) }
    }

    @Test func zipMapMakesOneMapPerRow() throws {
        let op = try ZipMap(ML.config("ZipMap", ["classlabels_int64s": .ints([10, 5])]))
        let out = try OperatorHarness.run(op, inputs: [ML.floats([2, 2], [0.1, 0.9, 0.7, 0.3])])
        guard case .sequence(let s) = out[0], s.elements.count == 2, case .map(let m) = s.elements[1], case .int64(let keys) = m.keys else {
            Issue.record("expected a sequence of int64-keyed maps")
            return
        }
        #expect(keys == [5, 10])
        #expect(m.values.elements(as: Float.self) == [0.3, 0.7])
        #expect(throws: EngineError.self) { try OperatorHarness.run(op, inputs: [ML.floats([1, 3], [1, 2, 3])]) }
    }

    @Test func featureVectorizerPadsAndTruncates() throws {
        let op = try FeatureVectorizer(ML.config("FeatureVectorizer", inputs: 2, ["inputdimensions": .ints([1, 3])]))
        let a = ML.floats([2, 2], [1, 2, 3, 4])
        let b = Value.tensor(Tensor(uncheckedShape: [2, 2], storage: .int64([5, 6, 7, 8])))
        let out = try OperatorHarness.run(op, inputs: [a, b])
        #expect(try ML.floatValues(out[0]) == [1, 5, 6, 0, 3, 7, 8, 0])
    }

    @Test func dictVectorizerAndCastMap() throws {
        let map = Value.map(MapValue(keys: .int64([3, 1]), values: Tensor(vector: [Float(0.5), 2])))
        let dv = try DictVectorizer(ML.config("DictVectorizer", ["int64_vocabulary": .ints([1, 2, 3])]))
        #expect(try ML.floatValues(OperatorHarness.run(dv, inputs: [map])[0]) == [2, 0, 0.5])
        let dense = try CastMap(ML.config("CastMap", ["cast_to": .string("TO_STRING")]))
        let s = try OperatorHarness.run(dense, inputs: [map])
        #expect(try ML.tensor(s[0]).elements(as: String.self) == ["2.000000", "0.500000"])
        let sparse = try CastMap(ML.config("CastMap", ["map_form": .string("SPARSE"), "max_map": .int(4)]))
        #expect(try ML.floatValues(OperatorHarness.run(sparse, inputs: [map])[0]) == [0, 2, 0, 0.5])
    }
}
