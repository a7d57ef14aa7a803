import SlipwayRegistry
import Testing

@Suite struct SelectorTests {
    @Test func parsesTheThreeForms() throws {
        #expect(try ModelSelector(parsing: "iris") == ModelSelector(model: "iris", target: .latest))
        #expect(try ModelSelector(parsing: "iris:3") == ModelSelector(model: "iris", target: .version(3)))
        #expect(try ModelSelector(parsing: "iris-v2.1_x@production") == ModelSelector(model: "iris-v2.1_x", target: .alias("production")))
        #expect(try ModelSelector(parsing: "0day:12").description == "0day:12")
    }

    @Test(arguments: [
        ("", "a name must not be empty"),
        ("Iris", "must start with a lowercase letter or a digit"),
        ("iris!", "only lowercase letters"),
        ("-iris", "must start with"),
        (String(repeating: "a", count: 65), "at most 64 characters"),
        ("iris:", "the version '' must be a positive integer"),
        ("iris:0", "the version '0' must be a positive integer"),
        ("iris:-1", "positive integer"),
        ("iris:+1", "positive integer"),
        ("iris:1.5", "positive integer"),
        ("iris@", "an alias must not be empty"),
        ("iris@3", "must start with a lowercase letter"),
        ("iris@Prod", "must start with a lowercase letter"),
        ("iris:1@prod", "not both"),
        ("@prod", "a name must not be empty"),
    ])
    func rejectsMalformedSelectors(text: String, fragment: String) {
        let error = #expect(throws: RegistryError.self) { try ModelSelector(parsing: text) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("invalid selector") == true)
    }

    @Test func parsesAssignments() throws {
        #expect(try RegistryNames.parseAssignments(["a=1", "b=x=y", "c="], kind: "tag") == ["a": "1", "b": "x=y", "c": ""])
        #expect(try RegistryNames.parseMetrics(["auc=0.91", "loss=1e-3"]) == ["auc": 0.91, "loss": 0.001])
        #expect(throws: RegistryError.self) { try RegistryNames.parseAssignments(["novalue"], kind: "tag") }
        #expect(throws: RegistryError.self) { try RegistryNames.parseAssignments(["=v"], kind: "tag") }
        #expect(throws: RegistryError.self) { try RegistryNames.parseAssignments(["a=1", "a=2"], kind: "tag") }
        #expect(throws: RegistryError.self) { try RegistryNames.parseMetrics(["auc=high"]) }
        #expect(throws: RegistryError.self) { try RegistryNames.parseMetrics(["auc=inf"]) }
        #expect(try RegistryNames.normalizeDigest(String(repeating: "AB", count: 32), field: "d") == String(repeating: "ab", count: 32))
        #expect(throws: RegistryError.self) { try RegistryNames.normalizeDigest("abc", field: "d") }
    }
}
