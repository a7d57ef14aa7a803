import SlipwayTensor

/// A reduction of a row-major tensor normalised to (outer, reduced, inner) form.
///
/// Size-1 axes are dropped and neighbouring axes of the same kind (kept or reduced) are merged. Then:
/// - when the last axis is kept, every output block of `inner` contiguous outputs is the element-wise
///   fold of `reducedOffsets.count` contiguous input rows of `inner` elements (`run == 1`);
/// - when the last axis is reduced (`inner == 1`), every output is the fold of `reducedOffsets.count`
///   contiguous runs of `run` input elements: the fast path for last-axis reductions.
///
/// Output `o * inner + i` reads input offsets `outerOffsets[o] + r + i` (+ `j < run`) for every `r` in
/// `reducedOffsets`. Every offset lies in `0..<inputCount` by construction.
struct ReductionLayout: Sendable {
    var inputCount: Int
    var outputCount: Int
    /// How many input elements fold into each output.
    var reducedCount: Int
    var outerOffsets: [Int]
    var reducedOffsets: [Int]
    var inner: Int
    var run: Int

    /// - Parameters:
    ///   - shape: the input shape.
    ///   - axes: the reduced axes, each in `0..<shape.count`.
    init(shape: [Int], axes: Set<Int>) {
        var outputCount = 1
        var reducedCount = 1
        for (axis, d) in shape.enumerated() {
            if axes.contains(axis) { reducedCount *= d } else { outputCount *= d }
        }
        self.inputCount = outputCount * reducedCount
        self.outputCount = outputCount
        self.reducedCount = reducedCount
        if outputCount == 0 || reducedCount == 0 {
            // Nothing to read: every output (if any) is the identity.
            outerOffsets = outputCount == 0 ? [] : [0]
            reducedOffsets = []
            inner = max(outputCount, 1)
            run = 1
            return
        }
        // Merge neighbouring axes of the same kind, skipping size-1 axes.
        var sizes: [Int] = []
        var reduced: [Bool] = []
        for (axis, d) in shape.enumerated() where d != 1 {
            let isReduced = axes.contains(axis)
            if let last = reduced.last, last == isReduced {
                sizes[sizes.count - 1] *= d
            } else {
                sizes.append(d)
                reduced.append(isReduced)
            }
        }
        let strides = Shape.strides(sizes)
        var outerSizes: [Int] = []
        var outerStrides: [Int] = []
        var reducedSizes: [Int] = []
        var reducedStrides: [Int] = []
        var inner = 1
        var run = 1
        for i in sizes.indices {
            let isLast = i == sizes.count - 1
            if reduced[i] {
                if isLast {
                    run = sizes[i]
                } else {
                    reducedSizes.append(sizes[i])
                    reducedStrides.append(strides[i])
                }
            } else {
                if isLast {
                    inner = sizes[i]
                } else {
                    outerSizes.append(sizes[i])
                    outerStrides.append(strides[i])
                }
            }
        }
        self.inner = inner
        self.run = run
        self.outerOffsets = Self.offsets(sizes: outerSizes, strides: outerStrides)
        self.reducedOffsets = Self.offsets(sizes: reducedSizes, strides: reducedStrides)
    }

    /// The flat offsets of every index of `sizes` in row-major order, with the given strides.
    static func offsets(sizes: [Int], strides: [Int]) -> [Int] {
        let total = sizes.reduce(1, *)
        var result: [Int] = []
        result.reserveCapacity(total)
        guard total > 0 else { return result }
        var index = [Int](repeating: 0, count: sizes.count)
        var offset = 0
        for _ in 0..<total {
            result.append(offset)
            var axis = sizes.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < sizes[axis] { break }
                offset -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// Throws unless the layout was built for `count` input elements.
    func check(_ count: Int) throws(EngineError) {
        guard count == inputCount else {
            throw EngineError.runtime("reduction layout is for \(inputCount) elements, the input has \(count)")
        }
    }
}
