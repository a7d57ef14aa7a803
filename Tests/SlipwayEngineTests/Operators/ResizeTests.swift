import SlipwayEngine
import SlipwayTensor
import Testing

/// Resize (every mode family) and Upsample.
@Suite struct ResizeTests {
    func resize(_ x: Tensor, scales: [Float]? = nil, sizes: [Int]? = nil, _ attributes: [String: AttributeValue], opset: Int = 19) throws -> Tensor {
        let inputs: [Tensor?] = [x, nil, scales.map { floats($0) }, sizes.map { ints($0) }]
        return try layoutRun("Resize", opset: opset, attributes: attributes, inputs, constant: [2, 3], make: Resize.init)[0]
    }

    @Test func nearestUpsample() throws {
        let out = try resize(iota([1, 1, 2, 2]), scales: [1, 1, 2, 2], ["mode": .string("nearest")])
        #expect(out.shape == [1, 1, 4, 4])
        #expect(out.floatValues == [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3])
    }

    @Test func linearHalfPixel() throws {
        let out = try resize(floats([0, 10], shape: [1, 2]), scales: [1, 2], ["mode": .string("linear")])
        #expect(out.floatValues == [0, 2.5, 7.5, 10])
    }

    @Test func linearAlignCorners() throws {
        let out = try resize(
            floats([0, 10], shape: [1, 2]), sizes: [1, 3],
            ["mode": .string("linear"), "coordinate_transformation_mode": .string("align_corners")])
        #expect(out.floatValues == [0, 5, 10])
    }

    @Test func cubicKeepsConstants() throws {
        let out = try resize(floats([3, 3, 3, 3], shape: [1, 4]), scales: [1, 1.5], ["mode": .string("cubic")])
        #expect(out.shape == [1, 6])
        #expect(out.floatValues.allSatisfy { abs($0 - 3) < 1e-5 })
    }

    @Test func antialiasAveragesWhenDownsampling() throws {
        let out = try resize(floats([0, 4, 8, 12], shape: [1, 4]), scales: [1, 0.5], ["mode": .string("linear"), "antialias": .int(1)])
        #expect(out.shape == [1, 2])
        #expect(out.floatValues.count == 2)
    }

    @Test func axesAndKeepAspectRatio() throws {
        let out = try resize(
            iota([1, 1, 2, 4]), sizes: [4, 4],
            ["mode": .string("nearest"), "axes": .ints([2, 3]), "keep_aspect_ratio_policy": .string("not_larger")])
        #expect(out.shape == [1, 1, 2, 4])
    }

    @Test func tfCropAndResizeExtrapolates() throws {
        let inputs: [Tensor?] = [iota([1, 3]), floats([0, -1, 1, 2]), nil, ints([1, 2])]
        let out = try layoutRun(
            "Resize", opset: 19,
            attributes: [
                "mode": .string("linear"), "coordinate_transformation_mode": .string("tf_crop_and_resize"),
                "extrapolation_value": .float(-5),
            ], inputs, make: Resize.init)[0]
        #expect(out.floatValues == [-5, -5])
    }

    @Test func resize10AndUpsampleUseAsymmetricNearest() throws {
        let r10 = try layoutRun("Resize", opset: 10, [floats([1, 2], shape: [1, 2]), floats([1, 2])], make: Resize.init)[0]
        #expect(r10.floatValues == [1, 1, 2, 2])
        let up = try layoutRun(
            "Upsample", opset: 9, attributes: ["mode": .string("nearest")], [floats([1, 2], shape: [1, 2]), floats([1, 3])],
            make: Upsample.init)[0]
        #expect(up.floatValues == [1, 1, 1, 2, 2, 2])
    }

    @Test func rejectsBothOrNeitherScalesAndSizes() {
        #expect(throwsEngineError(.invalidModel) { _ = try resize(iota([2]), scales: [2], sizes: [4], ["mode": .string("nearest")]) })
        #expect(
            throwsEngineError(.invalidModel) {
                _ = try layoutRun("Resize", opset: 19, attributes: ["mode": .string("bogus")], [iota([2])], make: Resize.init)
            })
    }
}
