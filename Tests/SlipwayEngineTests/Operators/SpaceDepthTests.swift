import SlipwayEngine
import SlipwayTensor
import Testing

/// DepthToSpace and SpaceToDepth.
@Suite struct SpaceDepthTests {
    @Test func depthToSpaceDCRAndCRD() throws {
        let x = iota([1, 4, 1, 1])
        let dcr = try layoutRun("DepthToSpace", opset: 13, attributes: ["blocksize": .int(2)], [x], make: DepthToSpace.init)
        #expect(dcr[0].shape == [1, 1, 2, 2])
        #expect(dcr[0].floatValues == [0, 1, 2, 3])
        let y = iota([1, 8, 1, 1])
        let crd = try layoutRun(
            "DepthToSpace", opset: 13, attributes: ["blocksize": .int(2), "mode": .string("CRD")], [y],
            make: DepthToSpace.init)
        #expect(crd[0].floatValues == [0, 1, 2, 3, 4, 5, 6, 7])
        let dcr2 = try layoutRun("DepthToSpace", opset: 13, attributes: ["blocksize": .int(2)], [y], make: DepthToSpace.init)
        #expect(dcr2[0].floatValues == [0, 2, 4, 6, 1, 3, 5, 7])
    }

    @Test func spaceToDepthInvertsDepthToSpace() throws {
        for mode in ["DCR", "CRD"] {
            let x = iota([2, 8, 3, 2])
            let deep = try layoutRun(
                "DepthToSpace", opset: 13, attributes: ["blocksize": .int(2), "mode": .string(mode)], [x],
                make: DepthToSpace.init)
            let back = try layoutRun(
                "SpaceToDepth", opset: 28, attributes: ["blocksize": .int(2), "mode": .string(mode)], deep,
                make: SpaceToDepth.init)
            #expect(back[0].shape == x.shape)
            #expect(back[0].floatValues == x.floatValues)
        }
        #expect(
            throwsEngineError(.invalidModel) {
                _ = try layoutRun("SpaceToDepth", opset: 13, attributes: ["blocksize": .int(2)], [iota([1, 1, 3, 2])], make: SpaceToDepth.init)
            })
    }
}
