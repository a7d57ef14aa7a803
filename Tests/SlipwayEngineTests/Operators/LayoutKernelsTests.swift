import SlipwayTensor
import Testing

@testable import SlipwayEngine

/// The fast layout kernels against their plain reference twins on random views.
@Suite struct LayoutKernelsTests {
    @Test func stridedCopyMatchesReferenceOnRandomViews() throws {
        var generator = LayoutRandomGenerator(seed: 42)
        for trial in 0..<400 {
            let rank = Int.random(in: 0...5, using: &generator)
            var sourceShape = (0..<rank).map { _ in Int.random(in: 1...6, using: &generator) }
            if trial % 50 == 0, rank > 1 { sourceShape[rank - 1] = 40; sourceShape[rank - 2] = 37 }
            let source = (0..<sourceShape.reduce(1, *)).map { Int32($0) }
            let sourceStrides = Shape.strides(sourceShape)
            // A random view: permuted axes, random starts and steps (possibly negative or zero).
            let perm = Array(0..<rank).shuffled(using: &generator)
            var offset = 0
            var shape: [Int] = []
            var strides: [Int] = []
            for axis in perm {
                let d = sourceShape[axis]
                let step = [1, 1, 2, -1, -2, 0].randomElement(using: &generator) ?? 1
                let start = step >= 0 ? Int.random(in: 0..<d, using: &generator) : Int.random(in: 0..<d, using: &generator)
                let maxCount = step > 0 ? (d - start + step - 1) / step : step < 0 ? start / -step + 1 : 3
                let count = Int.random(in: 0...maxCount, using: &generator)
                offset += start * sourceStrides[axis]
                shape.append(count)
                strides.append(sourceStrides[axis] * step)
            }
            let expected = LayoutStridedCopy.reference(source, offset: offset, shape: shape, strides: strides)
            let actual = try LayoutStridedCopy.copy(source, offset: offset, shape: shape, strides: strides)
            #expect(expected == actual, "trial \(trial): shape \(shape) strides \(strides) offset \(offset)")
        }
    }

    @Test func stridedCopyTransposeTilesMatchReference() throws {
        for (rows, columns) in [(33, 70), (8, 8), (64, 9), (100, 100)] {
            let source = (0..<(3 * rows * columns)).map { Float($0) }
            // out[b, j, i] = in[b, i, j]
            let shape = [3, columns, rows]
            let strides = [rows * columns, 1, columns]
            let expected = LayoutStridedCopy.reference(source, offset: 0, shape: shape, strides: strides)
            #expect(try LayoutStridedCopy.copy(source, offset: 0, shape: shape, strides: strides) == expected)
        }
    }

    @Test func stridedCopyWorksForStrings() throws {
        let source = ["a", "b", "c", "d", "e", "f"]
        let result = try LayoutStridedCopy.copy(source, offset: 0, shape: [3, 2], strides: [1, 3])
        #expect(result == ["a", "d", "b", "e", "c", "f"])
    }

    @Test func stridedCopyRejectsViewsOutsideTheSource() {
        #expect(throws: EngineError.self) {
            try LayoutStridedCopy.copy([1, 2, 3] as [Float], offset: 1, shape: [3], strides: [1])
        }
        #expect(throws: EngineError.self) {
            try LayoutStridedCopy.copy([1, 2, 3] as [Float], offset: 0, shape: [2], strides: [-1])
        }
    }

    @Test func gatherAxesMatchesReferenceOnRandomMaps() throws {
        var generator = LayoutRandomGenerator(seed: 7)
        for trial in 0..<300 {
            let rank = Int.random(in: 1...4, using: &generator)
            let shape = (0..<rank).map { _ in Int.random(in: 1...5, using: &generator) }
            let source = (0..<shape.reduce(1, *)).map { Int64($0) }
            let maps = shape.map { d in
                (0..<Int.random(in: 0...7, using: &generator)).map { _ in Int.random(in: -1..<d, using: &generator) }
            }
            let expected = LayoutIndexKernels.gatherAxesReference(source, shape: shape, maps: maps, fill: -9)
            let actual = try LayoutIndexKernels.gatherAxes(source, shape: shape, maps: maps, fill: -9)
            #expect(expected == actual, "trial \(trial): shape \(shape) maps \(maps)")
        }
    }

    @Test func gatherBlocksChecksBounds() throws {
        let source: [Float] = [0, 1, 2, 3, 4, 5]
        #expect(try LayoutIndexKernels.gatherBlocks(source, starts: [4, 0], length: 2) == [4, 5, 0, 1])
        #expect(throws: EngineError.self) { try LayoutIndexKernels.gatherBlocks(source, starts: [5], length: 2) }
    }

    @Test func concatInterleavesBlocks() throws {
        let result = try LayoutIndexKernels.concat([[1, 2, 3, 4], [9, 9]] as [[Int32]], outer: 2, lengths: [2, 1])
        #expect(result == [1, 2, 9, 3, 4, 9])
    }
}

/// The interpolation pass against its reference twin.
@Suite struct LayoutInterpolationTests {
    @Test func passMatchesReferenceOnRandomTaps() throws {
        var generator = LayoutRandomGenerator(seed: 99)
        for trial in 0..<200 {
            let outer = Int.random(in: 0...3, using: &generator)
            let inputSize = Int.random(in: 1...6, using: &generator)
            let inner = Int.random(in: 1...5, using: &generator)
            let source = (0..<(outer * inputSize * inner)).map { _ in Double.random(in: -1...1, using: &generator) }
            var taps = LayoutInterpolation.Taps()
            for _ in 0..<Int.random(in: 0...7, using: &generator) {
                if Int.random(in: 0..<5, using: &generator) == 0 {
                    taps.appendOutside()
                } else {
                    taps.append(
                        (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                            (Int.random(in: 0..<inputSize, using: &generator), Double.random(in: -1...1, using: &generator))
                        })
                }
            }
            let expected = LayoutInterpolation.passReference(source, outer: outer, inputSize: inputSize, inner: inner, taps: taps, extrapolation: 7)
            let actual = try LayoutInterpolation.pass(source, outer: outer, inputSize: inputSize, inner: inner, taps: taps, extrapolation: 7)
            #expect(expected == actual, "trial \(trial)")
        }
    }

    @Test func passRejectsTapsOutOfRange() {
        var taps = LayoutInterpolation.Taps()
        taps.append([(5, 1)])
        #expect(throws: EngineError.self) { try LayoutInterpolation.pass([1, 2], outer: 1, inputSize: 2, inner: 1, taps: taps, extrapolation: 0) }
    }
}
