import Foundation
import SlipwayRegistry
import Testing

@Suite struct ReferenceDatasetTests {
    static let oneInput = [TensorSpec(name: "X", datatype: "FP32", shape: [-1, 3])]
    static let threeInputs = [
        TensorSpec(name: "age", datatype: "FP32", shape: [-1, 1]), TensorSpec(name: "income", datatype: "FP64", shape: [-1]),
        TensorSpec(name: "city", datatype: "BYTES", shape: [-1, 1]),
    ]

    static func csv(_ text: String) throws -> ReferenceDataset { try ReferenceDataset.parse(Data(text.utf8), format: .csv) }
    static func jsonl(_ text: String) throws -> ReferenceDataset { try ReferenceDataset.parse(Data(text.utf8), format: .jsonl) }

    @Test func csvFitsATwoDimensionalInputInOrder() throws {
        let data = try Self.csv("sepal_length,sepal_width,petal_length\r\n5.1,3.5,1.4\n4.9,,1.4\n\"6\",3,\"1.5\"\n")
        #expect(data.columns == ["sepal_length", "sepal_width", "petal_length"])
        #expect(data.rows.count == 3)
        #expect(data.rows[1][1] == nil)
        #expect(try data.fit(Self.oneInput) == ["sepal_length", "sepal_width", "petal_length"])
    }

    @Test func csvQuotingIsHandled() throws {
        let data = try Self.csv("a,b\n\"x, \"\"quoted\"\"\",\"multi\nline\"\n")
        #expect(data.rows == [["x, \"quoted\"", "multi\nline"]])
    }

    @Test func jsonLinesKeepKeyOrderAndMapByName() throws {
        let data = try Self.jsonl(
            #"{"income": 52000.5, "city": "Lyon", "age": 41}"# + "\n\n" + #"{"age": null, "city": "Nice", "income": 1e4}"# + "\n")
        #expect(data.columns == ["income", "city", "age"])
        #expect(data.rows[1] == ["1e4", "Nice", nil])
        #expect(try data.fit(Self.threeInputs) == ["age", "income", "city"])
    }

    @Test(arguments: [
        ("a,b\n1,2\n", "takes 3 columns, but the dataset has 2 (a, b)"),
        ("a,b,c,d\n1,2,3,4\n", "takes 3 columns, but the dataset has 4"),
        ("a,b,c\n1,x,3\n", "row 1, column 'b': 'x' is not a number, and input 'X' is FP32"),
        ("a,b,c\n", "a header but no rows"),
        ("a,b,c\n1,2\n", "line 2 has 2 fields, the header has 3"),
        ("a,a,c\n1,2,3\n", "column 'a' appears twice"),
        ("a,,c\n1,2,3\n", "column 2 of the header has no name"),
        ("", "the file is empty"),
        ("a,b,c\n1,\"2,3\n", "never closed"),
    ])
    func csvMismatchesAreSpelledOut(text: String, fragment: String) throws {
        let error = #expect(throws: RegistryError.self) { try Self.csv(text).fit(Self.oneInput) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    @Test func severalInputsNeedOneColumnEach() throws {
        let missing = #expect(throws: RegistryError.self) { try Self.csv("age,income,town\n1,2,x\n").fit(Self.threeInputs) }
        #expect(missing?.message.contains("no column for input 'city'") == true)
        #expect(missing?.message.contains("column 'town' matches no input (the model's inputs: age, income, city)") == true)
        let wide = [TensorSpec(name: "a", datatype: "FP32", shape: [-1, 2]), TensorSpec(name: "b", datatype: "FP32", shape: [-1])]
        let error = #expect(throws: RegistryError.self) { try Self.csv("a,b\n1,2\n").fit(wide) }
        #expect(error?.message.contains("input 'a' has shape [N, 2]") == true)
    }

    @Test func otherShapesAreRejected() throws {
        let image = [TensorSpec(name: "img", datatype: "FP32", shape: [-1, 3, 224, 224])]
        let error = #expect(throws: RegistryError.self) { try Self.csv("a\n1\n").fit(image) }
        #expect(error?.message.contains("input 'img' has shape [N, 3, 224, 224]") == true)
        let unknown = [TensorSpec(name: "m", datatype: "map(int64,tensor(float))", shape: nil)]
        #expect(throws: RegistryError.self) { try Self.csv("a\n1\n").fit(unknown) }
        // A 1-D input takes one column, whatever its name; a dynamic feature count takes any number of columns.
        #expect(try Self.csv("v\n1\n").fit([TensorSpec(name: "x", datatype: "INT64", shape: [-1])]) == ["v"])
        #expect(try Self.csv("p,q\n1,2\n").fit([TensorSpec(name: "x", datatype: "FP32", shape: [-1, -1])]) == ["p", "q"])
    }

    @Test(arguments: [
        (#"[1,2,3]"#, "expected '{'"),
        (#"{"a": [1, 2]}"#, "nested objects and arrays are not allowed"),
        (#"{"a": 1,}"#, "expected a string"),
        (#"{"a": tru}"#, "'tru' is not a JSON value"),
        (#"{"a": 1} x"#, "unexpected text"),
        ("{\"a\": 1}\n{\"b\": 2}", "key 'b' is not among the first line's keys"),
        ("{\"a\": 1, \"a\": 2}", "'a' appears twice"),
        ("\n\n", "the file has no lines"),
    ])
    func badJSONLinesAreRejectedWithTheLine(text: String, fragment: String) throws {
        let error = #expect(throws: RegistryError.self) { try Self.jsonl(text) }
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
    }

    @Test func formatFollowsTheExtension() {
        #expect(ReferenceDataset.format(forPath: "x/ref.CSV") == .csv)
        #expect(ReferenceDataset.format(forPath: "ref.jsonl") == .jsonl)
        #expect(ReferenceDataset.format(forPath: "ref.ndjson") == .jsonl)
        #expect(ReferenceDataset.format(forPath: "ref.parquet") == nil)
    }
}
