import SlipwayTensor
import Testing

@Suite struct ShapeTests {
    @Test func elementCountRejectsNegativeAndOverflow() {
        #expect(Shape.elementCount([2, 3, 4]) == 24)
        #expect(Shape.elementCount([]) == 1)
        #expect(Shape.elementCount([0, 5]) == 0)
        #expect(Shape.elementCount([-1, 3]) == nil)
        #expect(Shape.elementCount([Int.max, 2]) == nil)
    }

    @Test func stridesAreRowMajor() {
        #expect(Shape.strides([2, 3, 4]) == [12, 4, 1])
        #expect(Shape.strides([]) == [])
    }

    @Test func broadcastFollowsNumpy() {
        #expect(Shape.broadcast([2, 1, 4], [3, 1]) == [2, 3, 4])
        #expect(Shape.broadcast([5], []) == [5])
        #expect(Shape.broadcast([2, 3], [4, 3]) == nil)
        #expect(Shape.broadcast([0, 3], [1, 3]) == [0, 3])
    }

    @Test func broadcastIndexerVisitsSourceOffsets() {
        let offsets = Array(BroadcastIndexer(shape: [3, 1], target: [2, 3, 2]))
        #expect(offsets == [0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2])
        #expect(Array(BroadcastIndexer(shape: [], target: [2])) == [0, 0])
    }

    @Test func normalizeAxis() {
        #expect(Shape.normalizeAxis(-1, rank: 3) == 2)
        #expect(Shape.normalizeAxis(3, rank: 3) == nil)
        #expect(Shape.normalizeAxis(-4, rank: 3) == nil)
    }
}

@Suite struct TensorTests {
    @Test func checksElementCount() throws {
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], elements: [Float(1), 2, 3]) }
        #expect(throws: TensorError.self) { try Tensor(shape: [-1], elements: [Float]()) }
        let t = try Tensor(shape: [2, 2], elements: [Float(1), 2, 3, 4])
        #expect(t.dataType == .float32)
        #expect(t.rank == 2)
        #expect(try t.reshaped([4]).shape == [4])
        #expect(throws: TensorError.self) { try t.reshaped([3]) }
    }

    @Test func conversions() throws {
        let t = try Tensor(shape: [3], elements: [Int32(-1), 0, 7])
        #expect(t.doubles() == [-1, 0, 7])
        #expect(t.integers() == [-1, 0, 7])
        let u = try Tensor.fromDoubles([300, -5, 1.5], shape: [3], as: .uint8)
        #expect(u.elements(as: UInt8.self) == [255, 0, 1])
        #expect(Tensor(vector: ["a"]).doubles() == nil)
    }

    @Test func bfloat16RoundsToNearestEven() {
        #expect(BFloat16(Float(1)).floatValue == 1)
        #expect(BFloat16(Float(1.00390625)).floatValue == 1)  // halfway, rounds to even
        #expect(BFloat16(Float(1.01171875)).floatValue == 1.015625)
        #expect(BFloat16(Float.nan).floatValue.isNaN)
    }

    @Test func datatypeNames() {
        for d in DataType.allCases {
            #expect(DataType(v2Name: d.v2Name) == d)
        }
        #expect(DataType.string.v2Name == "BYTES")
        #expect(DataType(v2Name: "FP8") == nil)
    }
}
