import SlipwayTensor
import Testing

@testable import SlipwayEngine

/// A small deterministic generator so failures reproduce.
struct ElementwiseTestRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A random output shape and `inputs` shapes that broadcast to it (some axes 1, some leading axes dropped).
    mutating func broadcastShapes(inputs: Int) -> [[Int]] {
        let rank = Int.random(in: 0...5, using: &self)
        let out = (0..<rank).map { _ in Int.random(in: 1...4, using: &self) }
        return (0..<inputs).map { _ in
            var shape = out.map { Bool.random(using: &self) ? $0 : 1 }
            let drop = Int.random(in: 0...rank, using: &self)
            if Bool.random(using: &self) { shape.removeFirst(drop) }
            return shape
        }
    }

    mutating func values(_ shape: [Int]) -> [Int] {
        (0..<(Shape.elementCount(shape) ?? 0)).map { _ in Int.random(in: -100...100, using: &self) }
    }
}

@Suite struct ElementwiseKernelTests {
    @Test func broadcastPlanMergesAxes() throws {
        let plan = try #require(ElementwiseBroadcast([[2, 3, 4, 5], [1, 3, 1, 1]]))
        #expect(plan.outputShape == [2, 3, 4, 5])
        #expect(plan.dims == [2, 3, 20])
        #expect(plan.strides == [[60, 20, 1], [0, 1, 0]])
        let same = try #require(ElementwiseBroadcast([[2, 3], [2, 3]]))
        #expect(same.dims == [6])
        let scalar = try #require(ElementwiseBroadcast([[], [1, 1]]))
        #expect(scalar.outputShape == [1, 1])
        #expect(scalar.dims == [1])
        #expect(ElementwiseBroadcast([[2, 3], [4]]) == nil)
    }

    @Test func binaryMatchesReferenceOnRandomShapes() throws {
        var rng = ElementwiseTestRandom(state: 42)
        for _ in 0..<500 {
            let shapes = rng.broadcastShapes(inputs: 2)
            let a = rng.values(shapes[0])
            let b = rng.values(shapes[1]).map { Double($0) / 7 }
            let plan = try #require(ElementwiseBroadcast(shapes))
            let fast = try ElementwiseKernels.binary(a, b, plan) { Double($0) - $1 * 3 }
            let reference = try #require(ElementwiseKernels.binaryReference(a, shapes[0], b, shapes[1]) { Double($0) - $1 * 3 })
            #expect(fast == reference, "shapes \(shapes)")
        }
    }

    @Test func ternaryMatchesReferenceOnRandomShapes() throws {
        var rng = ElementwiseTestRandom(state: 7)
        for _ in 0..<500 {
            let shapes = rng.broadcastShapes(inputs: 3)
            let c = rng.values(shapes[0]).map { $0 > 0 }
            let x = rng.values(shapes[1]).map { "x\($0)" }
            let y = rng.values(shapes[2]).map { "y\($0)" }
            let plan = try #require(ElementwiseBroadcast(shapes))
            let fast = try ElementwiseKernels.ternary(c, x, y, plan) { $0 ? $1 : $2 }
            let reference = try #require(
                ElementwiseKernels.ternaryReference(c, shapes[0], x, shapes[1], y, shapes[2]) { $0 ? $1 : $2 })
            #expect(fast == reference, "shapes \(shapes)")
        }
    }

    @Test func mapInPlaceMatchesReference() {
        var rng = ElementwiseTestRandom(state: 3)
        let values = rng.values([1000]).map { Float($0) / 3 }
        var fast = values
        ElementwiseKernels.mapInPlace(&fast) { $0 * $0 - 1 }
        #expect(fast == ElementwiseKernels.mapReference(values) { $0 * $0 - 1 })
    }

    @Test func kernelRejectsArraysThatDoNotFitThePlan() throws {
        let plan = try #require(ElementwiseBroadcast([[2, 2], [2]]))
        #expect(throws: ElementwiseKernelError.self) { try ElementwiseKernels.binary([1, 2, 3], [1, 2], plan, +) }
    }

    @Test func unaryOperatorReusesAnUnsharedBuffer() throws {
        // The plan hands inputs over; when nothing else holds the buffer, Relu writes into it.
        let values: [Float] = (0..<4096).map { Float($0) - 2048 }
        let address = values.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        let relu = try Relu(ElementwiseKernelTestConfiguration.make("Relu"))
        let inputs: [Value?] = [.tensor(Tensor(uncheckedShape: [4096], storage: .float32(consume values)))]
        let output = try relu.run(consume inputs, context: RunContext())
        let result = try #require(output.first?.tensor?.elements(as: Float.self))
        #expect(result[0] == 0 && result[4095] == 2047)
        let outAddress = result.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        #expect(outAddress == address)
    }
}

enum ElementwiseKernelTestConfiguration {
    static func make(_ op: String, opset: Int = 17) -> OperatorConfiguration {
        OperatorConfiguration(opType: op, opsetVersion: opset, inputCount: 1, outputCount: 1)
    }
}
