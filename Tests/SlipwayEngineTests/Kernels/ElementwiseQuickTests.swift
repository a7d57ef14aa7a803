import SlipwayTensor
import Testing

@testable import SlipwayEngine

/// The plan-free binary path against the broadcasting reference, and the quick broadcast plans against
/// the general planner's iteration.
@Suite struct ElementwiseQuickTests {
    static let shapes: [[Int]] = [[], [1], [1, 1], [3], [2, 3], [1, 3], [3, 1], [4, 1, 2], [1, 1, 1], [0], [2, 0]]

    @Test func quickBinaryMatchesReference() throws {
        var state: UInt64 = 5
        func value() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int(state >> 40) % 200 - 100) / 8
        }
        for aShape in Self.shapes {
            for bShape in Self.shapes {
                let a = (0..<(Shape.elementCount(aShape) ?? 0)).map { _ in value() }
                let b = (0..<(Shape.elementCount(bShape) ?? 0)).map { _ in value() }
                guard let shape = ElementwiseBroadcast.quickShape(aShape, bShape) else { continue }
                #expect(shape == Shape.broadcast(aShape, bShape), "\(aShape) \(bShape)")
                let quick = try #require(ElementwiseKernels.quickBinary(a, b, -))
                #expect(quick == ElementwiseKernels.binaryReference(a, aShape, b, bShape, -), "\(aShape) \(bShape)")
                let plan = try #require(ElementwiseBroadcast([aShape, bShape]))
                #expect(plan.outputShape == shape)
                #expect(try ElementwiseKernels.binary(a, b, plan, -) == quick)
            }
        }
    }

    @Test func generalPlanStillRejectsAndMerges() throws {
        #expect(ElementwiseBroadcast.quickShape([2, 3], [3, 2]) == nil)
        #expect(ElementwiseBroadcast([[2, 3], [3, 2]]) == nil)
        let plan = try #require(ElementwiseBroadcast([[5, 1], [1, 4], [5, 4]]))
        #expect(plan.outputShape == [5, 4])
        #expect(plan.dims == [5, 4])
        #expect(plan.strides == [[1, 0], [0, 1], [4, 1]])
    }
}
