import SlipwayTensor

/// The windows of a pooling operator, resolved once per input shape: for every output position, the flat
/// spatial offsets of the input elements under the window (padding excluded) and how many window taps
/// fall inside the padded input (the `count_include_pad` divisor).
struct NNPoolPlan: Sendable {
    let geometry: NNWindowGeometry
    /// `tapStart[o] ..< tapStart[o + 1]` indexes `taps` for output position `o`.
    let tapStart: [Int]
    let taps: [Int]
    let paddedCount: [Int]

    init(_ g: NNWindowGeometry) {
        geometry = g
        let spatial = g.spatial
        var valid: [[[Int]]] = []
        var padded: [[Int]] = []
        for axis in 0..<spatial {
            var lists: [[Int]] = []
            var counts: [Int] = []
            for o in 0..<g.output[axis] {
                var list: [Int] = []
                var inPadded = 0
                for k in 0..<g.kernel[axis] {
                    let coordinate = o * g.strides[axis] - g.padsBegin[axis] + k * g.dilations[axis]
                    if coordinate >= -g.padsBegin[axis] && coordinate < g.input[axis] + g.padsEnd[axis] { inPadded += 1 }
                    if coordinate >= 0 && coordinate < g.input[axis] { list.append(coordinate) }
                }
                lists.append(list)
                counts.append(inPadded)
            }
            valid.append(lists)
            padded.append(counts)
        }
        let strides = Shape.strides(g.input)
        let outputSize = g.outputSize
        var tapStart = [Int]()
        tapStart.reserveCapacity(outputSize + 1)
        var taps = [Int]()
        var paddedCount = [Int]()
        paddedCount.reserveCapacity(outputSize)
        var outIndex = [Int](repeating: 0, count: spatial)
        for _ in 0..<outputSize {
            tapStart.append(taps.count)
            var count = 1
            var lists: [[Int]] = []
            for axis in 0..<spatial {
                count *= padded[axis][outIndex[axis]]
                lists.append(valid[axis][outIndex[axis]])
            }
            paddedCount.append(count)
            if lists.allSatisfy({ !$0.isEmpty }) {
                var tapIndex = [Int](repeating: 0, count: spatial)
                outer: while true {
                    var offset = 0
                    for axis in 0..<spatial { offset += lists[axis][tapIndex[axis]] * strides[axis] }
                    taps.append(offset)
                    var axis = spatial - 1
                    while axis >= 0 {
                        tapIndex[axis] += 1
                        if tapIndex[axis] < lists[axis].count { continue outer }
                        tapIndex[axis] = 0
                        axis -= 1
                    }
                    break
                }
            }
            var axis = spatial - 1
            while axis >= 0 {
                outIndex[axis] += 1
                if outIndex[axis] < g.output[axis] { break }
                outIndex[axis] = 0
                axis -= 1
            }
        }
        tapStart.append(taps.count)
        self.tapStart = tapStart
        self.taps = taps
        self.paddedCount = paddedCount
    }
}
