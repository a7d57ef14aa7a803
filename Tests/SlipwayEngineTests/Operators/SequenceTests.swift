import SlipwayEngine
import SlipwayTensor
import SlipwayTestSupport
import Testing

@Suite struct SequenceTests {
    static func config(_ op: String, opset: Int = 11, _ attributes: [String: AttributeValue] = [:], inputs: Int) -> OperatorConfiguration {
        OperatorHarness.configuration(op, opset: opset, attributes: attributes, inputs: inputs)
    }

    static func seq(_ tensors: [Tensor], of type: DataType = .float32) -> Value {
        .sequence(SequenceValue(elementType: .tensor(type), elements: tensors.map { .tensor($0) }))
    }

    static func vec(_ values: Float...) -> Tensor { Tensor(vector: values) }
    static func index(_ i: Int64) -> Value { .tensor(Tensor(scalar: i)) }

    /// The float contents of each element of a sequence value.
    static func contents(_ value: Value?) -> [[Float]] {
        guard case .sequence(let s)? = value else { return [] }
        return s.elements.map { $0.tensor?.elements(as: Float.self) ?? [] }
    }

    static func shapes(_ value: Value?) -> [[Int]] {
        guard case .sequence(let s)? = value else { return [] }
        return s.elements.map { $0.tensor?.shape ?? [] }
    }

    // MARK: SequenceEmpty, SequenceConstruct, SequenceLength

    @Test func emptyHasTheRequestedElementType() throws {
        let out = try OperatorHarness.run(try SequenceEmpty(Self.config("SequenceEmpty", ["dtype": .int(7)], inputs: 0)), inputs: [])
        guard case .sequence(let s) = out[0] else {
            Issue.record("expected a sequence")
            return
        }
        #expect(s.elementType == .tensor(.int64))
        #expect(s.elements.isEmpty)
        cfExpectError("attribute 'dtype' = 99", code: .invalidModel) {
            _ = try SequenceEmpty(Self.config("SequenceEmpty", ["dtype": .int(99)], inputs: 0))
        }
    }

    @Test func constructThenLength() throws {
        let construct = try SequenceConstruct(Self.config("SequenceConstruct", inputs: 3))
        let s = try OperatorHarness.run(construct, inputs: [.tensor(Self.vec(1)), .tensor(Self.vec(2, 3)), .tensor(Self.vec())])
        #expect(Self.contents(s[0]) == [[1], [2, 3], []])
        let length = try OperatorHarness.run(try SequenceLength(Self.config("SequenceLength", inputs: 1)), inputs: [s[0]])
        #expect(length[0].tensor?.elements(as: Int64.self) == [3])
        #expect(length[0].tensor?.shape == [])
    }

    @Test func constructRejectsMixedTypes() throws {
        let construct = try SequenceConstruct(Self.config("SequenceConstruct", inputs: 2))
        cfExpectError("input 1 has type int64 but input 0 has float", code: .invalidModel) {
            _ = try OperatorHarness.run(construct, inputs: [.tensor(Self.vec(1)), .tensor(Tensor(vector: [Int64](arrayLiteral: 1)))])
        }
    }

    // MARK: SequenceInsert, SequenceAt, SequenceErase

    @Test func insertAppendsByDefaultAndCountsNegativePositionsFromTheBack() throws {
        let op = try SequenceInsert(Self.config("SequenceInsert", inputs: 3))
        let base = Self.seq([Self.vec(1), Self.vec(2)])
        #expect(Self.contents(try OperatorHarness.run(op, inputs: [base, .tensor(Self.vec(9)), nil])[0]) == [[1], [2], [9]])
        #expect(Self.contents(try OperatorHarness.run(op, inputs: [base, .tensor(Self.vec(9)), Self.index(0)])[0]) == [[9], [1], [2]])
        #expect(Self.contents(try OperatorHarness.run(op, inputs: [base, .tensor(Self.vec(9)), Self.index(-1)])[0]) == [[1], [9], [2]])
        #expect(Self.contents(try OperatorHarness.run(op, inputs: [base, .tensor(Self.vec(9)), Self.index(2)])[0]) == [[1], [2], [9]])
        cfExpectError("position 3 is out of range [-2, 2]", code: .invalidInput) {
            _ = try OperatorHarness.run(op, inputs: [base, .tensor(Self.vec(9)), Self.index(3)])
        }
        cfExpectError("input 'tensor' has type int64 but the sequence holds float", code: .invalidModel) {
            _ = try OperatorHarness.run(op, inputs: [base, .tensor(Tensor(vector: [Int64](arrayLiteral: 1))), nil])
        }
    }

    @Test func atReadsFromEitherEnd() throws {
        let op = try SequenceAt(Self.config("SequenceAt", inputs: 2))
        let base = Self.seq([Self.vec(1), Self.vec(2), Self.vec(3)])
        #expect(CFGraph.floats(try OperatorHarness.run(op, inputs: [base, Self.index(1)])[0]) == [2])
        #expect(CFGraph.floats(try OperatorHarness.run(op, inputs: [base, Self.index(-3)])[0]) == [1])
        #expect(CFGraph.floats(try OperatorHarness.run(op, inputs: [base, .tensor(Tensor(scalar: Int32(2)))])[0]) == [3])
        cfExpectError("position 3 is out of range [-3, 2]", code: .invalidInput) {
            _ = try OperatorHarness.run(op, inputs: [base, Self.index(3)])
        }
        cfExpectError("input 'position' has type tensor(float)", code: .invalidModel) {
            _ = try OperatorHarness.run(op, inputs: [base, .tensor(Tensor(scalar: Float(1)))])
        }
        cfExpectError("must be a sequence", code: .invalidModel) {
            _ = try OperatorHarness.run(op, inputs: [.tensor(Self.vec(1)), Self.index(0)])
        }
    }

    @Test func eraseRemovesTheLastByDefault() throws {
        let op = try SequenceErase(Self.config("SequenceErase", inputs: 2))
        let base = Self.seq([Self.vec(1), Self.vec(2), Self.vec(3)])
        #expect(Self.contents(try OperatorHarness.run(op, inputs: [base, nil])[0]) == [[1], [2]])
        #expect(Self.contents(try OperatorHarness.run(op, inputs: [base, Self.index(-3)])[0]) == [[2], [3]])
        cfExpectError("cannot erase from an empty sequence", code: .invalidInput) {
            _ = try OperatorHarness.run(op, inputs: [Self.seq([]), nil])
        }
    }

    // MARK: SplitToSequence, ConcatFromSequence

    @Test func splitIntoChunksOfAScalarLength() throws {
        let op = try SplitToSequence(Self.config("SplitToSequence", opset: 24, ["axis": .int(1)], inputs: 2))
        let x = try Tensor(shape: [2, 5], elements: (0..<10).map { Float($0) })
        let out = try OperatorHarness.run(op, inputs: [.tensor(x), .tensor(Tensor(scalar: Int64(2)))])
        #expect(Self.shapes(out[0]) == [[2, 2], [2, 2], [2, 1]])
        #expect(Self.contents(out[0]) == [[0, 1, 5, 6], [2, 3, 7, 8], [4, 9]])
    }

    @Test func splitByListedLengths() throws {
        let op = try SplitToSequence(Self.config("SplitToSequence", ["axis": .int(-1)], inputs: 2))
        let x = try Tensor(shape: [2, 3], elements: (0..<6).map { Float($0) })
        let out = try OperatorHarness.run(op, inputs: [.tensor(x), .tensor(Tensor(vector: [Int64](arrayLiteral: 1, 2)))])
        #expect(Self.contents(out[0]) == [[0, 3], [1, 2, 4, 5]])
        cfExpectError("must be non-negative lengths summing to 3", code: .invalidInput) {
            _ = try OperatorHarness.run(op, inputs: [.tensor(x), .tensor(Tensor(vector: [Int64](arrayLiteral: 1, 1)))])
        }
    }

    @Test func splitWithoutLengthsCanDropTheAxis() throws {
        let x = try Tensor(shape: [3, 2], elements: (0..<6).map { Float($0) })
        let keep = try SplitToSequence(Self.config("SplitToSequence", inputs: 1))
        #expect(Self.shapes(try OperatorHarness.run(keep, inputs: [.tensor(x)])[0]) == [[1, 2], [1, 2], [1, 2]])
        let drop = try SplitToSequence(Self.config("SplitToSequence", ["keepdims": .int(0)], inputs: 1))
        let out = try OperatorHarness.run(drop, inputs: [.tensor(x)])
        #expect(Self.shapes(out[0]) == [[2], [2], [2]])
        #expect(Self.contents(out[0]) == [[0, 1], [2, 3], [4, 5]])
        cfExpectError("attribute 'axis' = 2 is out of range", code: .invalidModel) {
            _ = try OperatorHarness.run(try SplitToSequence(Self.config("SplitToSequence", ["axis": .int(2)], inputs: 1)), inputs: [.tensor(x)])
        }
    }

    @Test func concatJoinsAlongAnExistingAxis() throws {
        let op = try ConcatFromSequence(Self.config("ConcatFromSequence", ["axis": .int(1)], inputs: 1))
        let a = try Tensor(shape: [2, 1], elements: [Float](arrayLiteral: 1, 2))
        let b = try Tensor(shape: [2, 2], elements: [Float](arrayLiteral: 3, 4, 5, 6))
        let out = try OperatorHarness.run(op, inputs: [Self.seq([a, b])])
        #expect(out[0].tensor?.shape == [2, 3])
        #expect(CFGraph.floats(out[0]) == [1, 3, 4, 2, 5, 6])
        cfExpectError("cannot concatenate shapes", code: .invalidInput) {
            _ = try OperatorHarness.run(op, inputs: [Self.seq([a, try Tensor(shape: [3, 1], elements: [Float](arrayLiteral: 1, 2, 3))])])
        }
    }

    @Test func concatWithNewAxisStacks() throws {
        let op = try ConcatFromSequence(Self.config("ConcatFromSequence", ["axis": .int(-1), "new_axis": .int(1)], inputs: 1))
        let out = try OperatorHarness.run(op, inputs: [Self.seq([Self.vec(1, 2), Self.vec(3, 4), Self.vec(5, 6)])])
        #expect(out[0].tensor?.shape == [2, 3])
        #expect(CFGraph.floats(out[0]) == [1, 3, 5, 2, 4, 6])
        cfExpectError("is empty", code: .invalidInput) { _ = try OperatorHarness.run(op, inputs: [Self.seq([])]) }
        cfExpectError("ConcatFromSequence needs the attribute 'axis'", code: .invalidModel) {
            _ = try ConcatFromSequence(Self.config("ConcatFromSequence", inputs: 1))
        }
    }

    @Test func splitThenConcatRoundTripsAnyElementType() throws {
        let x = try Tensor(shape: [2, 3], elements: ["a", "b", "c", "d", "e", "f"])
        let split = try OperatorHarness.run(try SplitToSequence(Self.config("SplitToSequence", ["axis": .int(1)], inputs: 1)), inputs: [.tensor(x)])
        let joined = try OperatorHarness.run(try ConcatFromSequence(Self.config("ConcatFromSequence", ["axis": .int(1)], inputs: 1)), inputs: split)
        #expect(joined[0].tensor?.shape == [2, 3])
        #expect(joined[0].tensor?.elements(as: String.self) == ["a", "b", "c", "d", "e", "f"])
    }
}

@Suite struct OptionalTests {
    static func config(_ op: String, opset: Int = 18, _ attributes: [String: AttributeValue] = [:], inputs: Int) -> OperatorConfiguration {
        OperatorHarness.configuration(op, opset: opset, attributes: attributes, inputs: inputs)
    }

    @Test func optionalWrapsItsInputOrIsEmptyOfTheDeclaredType() throws {
        let wrap = try OptionalConstruct(Self.config("Optional", inputs: 1))
        let full = try OperatorHarness.run(wrap, inputs: [.tensor(Tensor(vector: [Float](arrayLiteral: 1)))])
        guard case .optional(let inner?, .tensor(.float32)) = full[0] else {
            Issue.record("expected a present optional of float, got \(full[0])")
            return
        }
        #expect(CFGraph.floats(inner) == [1])
        let empty = try OperatorHarness.run(
            try OptionalConstruct(Self.config("Optional", ["type": .type(.sequence(.tensor(.int32)))], inputs: 0)), inputs: [])
        guard case .optional(nil, .sequence(.tensor(.int32))) = empty[0] else {
            Issue.record("expected an empty optional of seq(int32), got \(empty[0])")
            return
        }
        cfExpectError("needs an input or the attribute 'type'", code: .invalidModel) {
            _ = try OperatorHarness.run(try OptionalConstruct(Self.config("Optional", inputs: 0)), inputs: [])
        }
    }

    @Test func hasElement() throws {
        let op = try OptionalHasElement(Self.config("OptionalHasElement", inputs: 1))
        let flag = { (value: Value?) throws -> Bool? in try OperatorHarness.run(op, inputs: [value])[0].tensor?.elements(as: Bool.self)?.first }
        #expect(try flag(.optional(.tensor(Tensor(scalar: Float(1))), .tensor(.float32))) == true)
        #expect(try flag(.optional(nil, .tensor(.float32))) == false)
        #expect(try flag(.tensor(Tensor(scalar: Float(1)))) == true)
        #expect(try flag(nil) == false)
        let old = try OptionalHasElement(Self.config("OptionalHasElement", opset: 15, inputs: 1))
        cfExpectError("must be an optional before opset 18", code: .invalidModel) {
            _ = try OperatorHarness.run(old, inputs: [.tensor(Tensor(scalar: Float(1)))])
        }
    }

    @Test func getElement() throws {
        let op = try OptionalGetElement(Self.config("OptionalGetElement", inputs: 1))
        let got = try OperatorHarness.run(op, inputs: [.optional(.tensor(Tensor(vector: [Float](arrayLiteral: 4))), .tensor(.float32))])
        #expect(CFGraph.floats(got[0]) == [4])
        #expect(CFGraph.floats(try OperatorHarness.run(op, inputs: [.tensor(Tensor(vector: [Float](arrayLiteral: 5)))])[0]) == [5])
        cfExpectError("is an empty optional", code: .invalidInput) {
            _ = try OperatorHarness.run(op, inputs: [.optional(nil, .tensor(.float32))])
        }
        let old = try OptionalGetElement(Self.config("OptionalGetElement", opset: 15, inputs: 1))
        cfExpectError("must be an optional before opset 18", code: .invalidModel) {
            _ = try OperatorHarness.run(old, inputs: [.tensor(Tensor(scalar: Float(1)))])
        }
    }
}
