import Foundation
import SlipwayTensor
import SlipwayTestSupport
import Testing

@testable import SlipwayEngine

/// The `Reduce*` operators: axes as attribute and input, keepdims, noop_with_empty_axes, empty sets,
/// dtypes, shape inference and errors.
@Suite struct ReduceTests {
    /// 2×3×2 tensor 1...12.
    static let x = try! Tensor(shape: [2, 3, 2], elements: (1...12).map { Float($0) })
    static func axes(_ values: [Int64]) -> Tensor { Tensor(vector: values) }

    @Test func reduceSumAxesInputKeepDims() throws {
        let out = try reductionRun("ReduceSum", opset: 13, inputs: [Self.x, Self.axes([1])])[0]
        #expect(out.shape == [2, 1, 2])
        #expect(out.elements(as: Float.self) == [9, 12, 27, 30])
    }

    @Test func reduceSumNoKeepDimsNegativeAxes() throws {
        let out = try reductionRun("ReduceSum", opset: 13, attributes: ["keepdims": .int(0)], inputs: [Self.x, Self.axes([-1, 0])])[0]
        #expect(out.shape == [3])
        #expect(out.elements(as: Float.self) == [18, 26, 34])
    }

    @Test func reduceSumAllAxesWhenAxesMissing() throws {
        let out = try reductionRun("ReduceSum", opset: 13, inputs: [Self.x])[0]
        #expect(out.shape == [1, 1, 1])
        #expect(out.elements(as: Float.self) == [78])
        let scalar = try reductionRun("ReduceSum", opset: 13, attributes: ["keepdims": .int(0)], inputs: [Self.x, Self.axes([])])[0]
        #expect(scalar.shape == [])
        #expect(scalar.elements(as: Float.self) == [78])
    }

    @Test func noopWithEmptyAxesMapsEachElement() throws {
        let attributes: [String: AttributeValue] = ["noop_with_empty_axes": .int(1)]
        let sum = try reductionRun("ReduceSum", opset: 13, attributes: attributes, inputs: [Self.x, Self.axes([])])[0]
        #expect(sum.shape == [2, 3, 2])
        #expect(sum.elements(as: Float.self) == Self.x.elements(as: Float.self))
        let square = try reductionRun("ReduceSumSquare", opset: 18, attributes: attributes, inputs: [Self.x])[0]
        #expect(square.elements(as: Float.self) == (1...12).map { Float($0 * $0) })
    }

    @Test func opset11TakesAxesAttribute() throws {
        let out = try reductionRun("ReduceMean", opset: 11, attributes: ["axes": .ints([0, 2])], inputs: [Self.x])[0]
        #expect(out.shape == [1, 3, 1])
        #expect(out.elements(as: Float.self) == [4.5, 6.5, 8.5])
        // Opset 18 moved axes to an input: the attribute is a model error.
        #expect(throws: EngineError.self) {
            _ = try ReduceMean(OperatorHarness.configuration("ReduceMean", opset: 18, attributes: ["axes": .ints([0])], inputs: 1))
        }
    }

    @Test func everyKindOnOneAxis() throws {
        let x = try Tensor(shape: [2, 2], elements: [Float(1), -2, 3, 4])
        let axes = Self.axes([1])
        func run(_ op: String) throws -> [Float] {
            try reductionRun(op, opset: 18, attributes: ["keepdims": .int(0)], inputs: [x, axes])[0].elements(as: Float.self) ?? []
        }
        #expect(try run("ReduceMax") == [1, 4])
        #expect(try run("ReduceMin") == [-2, 3])
        #expect(try run("ReduceProd") == [-2, 12])
        #expect(try run("ReduceL1") == [3, 7])
        #expect(try run("ReduceSumSquare") == [5, 25])
        #expect(reductionClose(try run("ReduceL2"), [Float(5).squareRoot(), 5]))
        #expect(reductionClose(try run("ReduceLogSum"), [.nan, Float(7).logValue]))
        #expect(reductionClose(try run("ReduceLogSumExp"), [logSumExp([1, -2]), logSumExp([3, 4])]))
        #expect(try run("ReduceMean") == [-0.5, 3.5])
    }

    @Test func logSumExpIsStableForLargeInputs() throws {
        let x = Tensor(vector: [Float(1000), 1000])
        let out = try reductionRun("ReduceLogSumExp", opset: 18, attributes: ["keepdims": .int(0)], inputs: [x])[0]
        #expect(reductionClose(out.elements(as: Float.self) ?? [], [1000 + Float(2).logValue]))
    }

    @Test func emptySetsGiveIdentities() throws {
        let empty = try Tensor(shape: [2, 0, 3], elements: [Float]())
        let axes = Self.axes([1])
        func run(_ op: String, opset: Int = 18) throws -> Tensor {
            try reductionRun(op, opset: opset, inputs: [empty, axes])[0]
        }
        #expect(try run("ReduceSum", opset: 13).elements(as: Float.self) == Array(repeating: 0, count: 6))
        #expect(try run("ReduceSum", opset: 13).shape == [2, 1, 3])
        #expect(try run("ReduceProd").elements(as: Float.self) == Array(repeating: 1, count: 6))
        #expect(try run("ReduceMax").elements(as: Float.self) == Array(repeating: -.infinity, count: 6))
        #expect(try run("ReduceMin").elements(as: Float.self) == Array(repeating: .infinity, count: 6))
        #expect(try run("ReduceLogSum").elements(as: Float.self) == Array(repeating: -.infinity, count: 6))
        #expect(try run("ReduceLogSumExp").elements(as: Float.self) == Array(repeating: -.infinity, count: 6))
        #expect(try run("ReduceL2").elements(as: Float.self) == Array(repeating: 0, count: 6))
        let ints = try Tensor(shape: [0], elements: [Int32]())
        let maxInt = try reductionRun("ReduceMax", opset: 18, attributes: ["keepdims": .int(0)], inputs: [ints])[0]
        #expect(maxInt.elements(as: Int32.self) == [Int32.min])
        // A zero-sized kept axis gives an empty output.
        let keptEmpty = try reductionRun("ReduceSum", opset: 13, inputs: [empty, Self.axes([2])])[0]
        #expect(keptEmpty.shape == [2, 0, 1])
        #expect(keptEmpty.count == 0)
    }

    @Test func integerAndHalfTypes() throws {
        let ints = try Tensor(shape: [2, 3], elements: [Int64(1), 2, 3, 4, 5, 7])
        let mean = try reductionRun("ReduceMean", opset: 18, attributes: ["keepdims": .int(0)], inputs: [ints, Self.axes([1])])[0]
        #expect(mean.elements(as: Int64.self) == [2, 5])
        // Integer overflow wraps instead of trapping.
        let big = Tensor(vector: [Int32.max, 1])
        let wrapped = try reductionRun("ReduceSum", opset: 13, attributes: ["keepdims": .int(0)], inputs: [big])[0]
        #expect(wrapped.elements(as: Int32.self) == [Int32.min])
        let half = try Tensor(shape: [4], elements: [Float16(1), 2, 3, 4])
        let l2 = try reductionRun("ReduceL2", opset: 18, inputs: [half])[0]
        #expect(l2.dataType == .float16)
        #expect(abs(Float(l2.elements(as: Float16.self)?.first ?? 0) - Float(30).squareRoot()) < 0.01)
        let bf = Tensor(vector: [BFloat16(1), BFloat16(-3)])
        let minimum = try reductionRun("ReduceMin", opset: 18, inputs: [bf])[0]
        #expect(minimum.elements(as: BFloat16.self)?.first?.floatValue == -3)
    }

    @Test func boolMaxMinFromOpset20() throws {
        let b = try Tensor(shape: [2, 2], elements: [true, false, false, false])
        let anyTrue = try reductionRun("ReduceMax", opset: 20, attributes: ["keepdims": .int(0)], inputs: [b, Self.axes([1])])[0]
        #expect(anyTrue.elements(as: Bool.self) == [true, false])
        let allTrue = try reductionRun("ReduceMin", opset: 20, attributes: ["keepdims": .int(0)], inputs: [b, Self.axes([0])])[0]
        #expect(allTrue.elements(as: Bool.self) == [false, false])
        let emptyBool = try Tensor(shape: [0], elements: [Bool]())
        #expect(try reductionRun("ReduceMax", opset: 20, inputs: [emptyBool])[0].elements(as: Bool.self) == [false])
        #expect(try reductionRun("ReduceMin", opset: 20, inputs: [emptyBool])[0].elements(as: Bool.self) == [true])
        #expect(throws: EngineError.self) { _ = try reductionRun("ReduceMax", opset: 18, inputs: [b]) }
        #expect(throws: EngineError.self) { _ = try reductionRun("ReduceSum", opset: 13, inputs: [b]) }
    }

    @Test func nanPropagatesThroughMaxAndMin() throws {
        let x = Tensor(vector: [Float(1), .nan, 3])
        #expect(try reductionRun("ReduceMax", opset: 18, inputs: [x])[0].elements(as: Float.self)?.first?.isNaN == true)
        #expect(try reductionRun("ReduceMin", opset: 18, inputs: [x])[0].elements(as: Float.self)?.first?.isNaN == true)
    }

    @Test func badAxesAndTypesAreRejected() throws {
        #expect(throws: EngineError.self) { _ = try reductionRun("ReduceSum", opset: 13, inputs: [Self.x, Self.axes([3])]) }
        #expect(throws: EngineError.self) {
            _ = try reductionRun("ReduceSum", opset: 13, inputs: [Self.x, Self.axes([-4])], constantInputs: [1])
        }
        #expect(throws: EngineError.self) { _ = try reductionRun("ReduceL1", opset: 11, attributes: ["axes": .ints([5])], inputs: [Self.x]) }
        #expect(throws: EngineError.self) { _ = try reductionRun("ReduceMean", opset: 18, inputs: [Tensor(vector: ["a"])]) }
        #expect(throws: EngineError.self) {
            _ = try reductionRun("ReduceSum", opset: 13, inputs: [Self.x, Tensor(vector: [Float(1)])])
        }
    }

    @Test func shapeInference() throws {
        let op = try ReduceSum(OperatorHarness.configuration("ReduceSum", opset: 13, attributes: ["keepdims": .int(0)], inputs: 2))
        let data = ValueFact(.float32, shape: [.symbol("N"), .fixed(3), .fixed(4)])
        // Constant axes: exact shape, symbols flow through.
        let constant = try reductionFacts(op, [data, ValueFact(constant: .tensor(Self.axes([1])))])
        #expect(constant[0].shape == [.symbol("N"), .fixed(4)])
        // Runtime axes without keepdims: the rank is unknown.
        let runtime = try reductionFacts(op, [data, ValueFact(.int64, shape: [.fixed(1)])])
        #expect(runtime[0].shape == nil)
        #expect(runtime[0].dataType == .float32)
        // Runtime axes with keepdims: the rank stays.
        let keep = try ReduceSum(OperatorHarness.configuration("ReduceSum", opset: 13, inputs: 2))
        let kept = try reductionFacts(keep, [data, ValueFact(.int64, shape: [.fixed(1)])])
        #expect(kept[0].shape == [.unknown, .unknown, .unknown])
        // Attribute axes (opset 11).
        let old = try ReduceMax(OperatorHarness.configuration("ReduceMax", opset: 11, attributes: ["axes": .ints([-1])], inputs: 1))
        #expect(try reductionFacts(old, [data])[0].shape == [.symbol("N"), .fixed(3), .fixed(1)])
    }

    @Test func matchesReferenceOnRandomShapes() throws {
        var random = ReductionTestRandom(seed: 7)
        let ops = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSumExp"]
        for trial in 0..<60 {
            let shape = random.shape(maxRank: 4, maxDim: 5)
            let count = shape.reduce(1, *)
            let x = try Tensor(shape: shape, elements: random.floats(count))
            let axes = (0..<shape.count).filter { _ in random.int(0...1) == 1 }
            let op = ops[trial % ops.count]
            let out = try reductionRun(op, opset: 18, inputs: [x, Self.axes(axes.map(Int64.init))])[0]
            let expected = naiveReduce(op, x.elements(as: Float.self) ?? [], shape: shape, axes: axes.isEmpty ? Set(shape.indices) : Set(axes))
            #expect(reductionClose(out.elements(as: Float.self) ?? [], expected, tolerance: 1e-4), "\(op) \(shape) axes \(axes)")
        }
    }
}

private func logSumExp(_ values: [Float]) -> Float {
    Float(Foundation.log(values.map { Foundation.exp(Double($0)) }.reduce(0, +)))
}

extension Float {
    fileprivate var logValue: Float { Float(Foundation.log(Double(self))) }
}

/// An independent reduction over nested index loops, in Double.
private func naiveReduce(_ op: String, _ x: [Float], shape: [Int], axes: Set<Int>) -> [Float] {
    let keptShape = shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
    let outCount = keptShape.reduce(1, *)
    var groups = [[Double]](repeating: [], count: outCount)
    var index = [Int](repeating: 0, count: shape.count)
    for flat in 0..<x.count {
        var o = 0
        for axis in shape.indices where !axes.contains(axis) { o = o * shape[axis] + index[axis] }
        groups[o].append(Double(x[flat]))
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < shape[axis] { break }
            index[axis] = 0
            axis -= 1
        }
    }
    return groups.map { g -> Float in
        switch op {
        case "ReduceSum": return Float(g.reduce(0, +))
        case "ReduceMean": return Float(g.reduce(0, +) / Double(g.count))
        case "ReduceMax": return Float(g.max() ?? -.infinity)
        case "ReduceMin": return Float(g.min() ?? .infinity)
        case "ReduceL1": return Float(g.map(abs).reduce(0, +))
        case "ReduceL2": return Float(g.map { $0 * $0 }.reduce(0, +).squareRoot())
        case "ReduceSumSquare": return Float(g.map { $0 * $0 }.reduce(0, +))
        case "ReduceLogSumExp": return Float(Foundation.log(g.map { Foundation.exp($0) }.reduce(0, +)))
        default: return .nan
        }
    }
}
