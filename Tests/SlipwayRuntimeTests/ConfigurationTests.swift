import SlipwayRuntime
import Testing

@Suite struct ConfigurationTests {
    @Test func emptyDocumentGivesDefaults() throws {
        let configuration = try SlipwayConfiguration(yaml: "")
        #expect(configuration.models.isEmpty)
    }

    @Test func unknownKeysAreErrorsWithTheirLineAndPath() {
        let yaml = """
            models:
              iris:
                batchin: {}
            """
        #expect {
            try SlipwayConfiguration(yaml: yaml, file: "slipway.yaml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line == 3 && error.path == "models.iris.batchin"
                && error.description.hasPrefix("slipway.yaml:3: models.iris.batchin: unknown key")
        }
    }

    @Test func invalidYAMLNamesTheLine() {
        #expect {
            try SlipwayConfiguration(yaml: "models:\n  iris: [1, 2\n  x: y\n")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.line != nil && error.message.hasPrefix("not valid YAML")
        }
    }

    @Test func scalarsAreCheckedAndNamed() throws {
        let root = try ConfigurationNode.parse(yaml: "a: 12\nb: many\nc: 250ms\nd: 5m\ne: yes\nf: [x, y]\n")
        let object = try root.object(["a", "b", "c", "d", "e", "f"])
        #expect(try object.required("a").int() == 12)
        #expect(throws: ConfigurationError.self) { try object.required("b").int() }
        do {
            _ = try object.required("b").int(in: 1...10)
        } catch {
            #expect(error.description == "configuration:2: b: expected an integer, got 'many'")
        }
        #expect(try object.required("c").duration() == .milliseconds(250))
        #expect(try object.required("d").duration() == .seconds(300))
        #expect(try object.required("e").bool() == true)
        #expect(try object.required("f").strings() == ["x", "y"])
        #expect(throws: ConfigurationError.self) { try object.required("zz") }
        #expect(throws: ConfigurationError.self) { try root.object(["a"]) }
    }

    @Test func duplicateKeysAreErrors() {
        #expect(throws: ConfigurationError.self) { try SlipwayConfiguration(yaml: "models:\n  a: {}\n  a: {}\n") }
    }
}
