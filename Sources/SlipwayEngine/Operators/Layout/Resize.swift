import SlipwayTensor

/// ONNX `Resize` (opsets 10-19+): resizes a tensor by `scales` or to `sizes`, interpolating with
/// `nearest`, `linear` or `cubic`.
///
/// Every `coordinate_transformation_mode` (half_pixel, half_pixel_symmetric, pytorch_half_pixel,
/// align_corners, asymmetric, tf_half_pixel_for_nn, tf_crop_and_resize with `roi` and
/// `extrapolation_value`), every `nearest_mode`, `cubic_coeff_a`, `exclude_outside`, and from opset 18
/// `antialias`, `axes` and `keep_aspect_ratio_policy` follow the ONNX reference implementation.
/// Opset 10 (and ``Upsample``) use asymmetric coordinates and truncating nearest rounding.
///
/// The interpolation is separable: one pass per resized axis, each output row a weighted sum of a few
/// input rows. Nearest mode is an index gather and copies elements exactly.
public struct Resize: Operator {
    enum Mode: String { case nearest, linear, cubic }

    enum Coordinates: String {
        case halfPixel = "half_pixel"
        case halfPixelSymmetric = "half_pixel_symmetric"
        case pytorchHalfPixel = "pytorch_half_pixel"
        case alignCorners = "align_corners"
        case asymmetric
        case tfHalfPixelForNN = "tf_half_pixel_for_nn"
        case tfCropAndResize = "tf_crop_and_resize"
    }

    enum Rounding: String {
        case roundPreferFloor = "round_prefer_floor"
        case roundPreferCeil = "round_prefer_ceil"
        case floor, ceil
        /// Opset 10 / Upsample: truncate.
        case simple
    }

    enum AspectPolicy: String {
        case stretch
        case notLarger = "not_larger"
        case notSmaller = "not_smaller"
    }

    let opset: Int
    let mode: Mode
    let coordinates: Coordinates
    let rounding: Rounding
    let cubicA: Double
    let excludeOutside: Bool
    let extrapolation: Double
    let antialias: Bool
    let axes: [Int]?
    let policy: AspectPolicy

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        opset = config.opsetVersion
        let modeName = try a.string("mode", default: "nearest")
        guard let mode = Mode(rawValue: modeName), mode != .cubic || opset >= 11 else {
            throw EngineError.invalidModel("Resize-\(opset): mode '\(modeName)' is not supported")
        }
        self.mode = mode
        if opset < 11 {
            coordinates = .asymmetric
            rounding = .simple
            cubicA = -0.75
            excludeOutside = false
            extrapolation = 0
            antialias = false
            axes = nil
            policy = .stretch
            return
        }
        let coordinateName = try a.string("coordinate_transformation_mode", default: "half_pixel")
        guard let coordinates = Coordinates(rawValue: coordinateName) else {
            throw EngineError.invalidModel("Resize: coordinate_transformation_mode '\(coordinateName)' is not supported")
        }
        self.coordinates = coordinates
        let roundingName = try a.string("nearest_mode", default: "round_prefer_floor")
        guard let rounding = Rounding(rawValue: roundingName), rounding != .simple else {
            throw EngineError.invalidModel("Resize: nearest_mode '\(roundingName)' is not supported")
        }
        self.rounding = rounding
        cubicA = Double(try a.float("cubic_coeff_a", default: -0.75))
        excludeOutside = try a.int("exclude_outside", default: 0) != 0
        extrapolation = Double(try a.float("extrapolation_value", default: 0))
        let antialiasValue = try a.int("antialias", default: 0)
        antialias = opset >= 18 && antialiasValue != 0
        axes = opset >= 18 ? try a.ints("axes") : nil
        let policyName = opset >= 18 ? try a.string("keep_aspect_ratio_policy", default: "stretch") : "stretch"
        guard let policy = AspectPolicy(rawValue: policyName) else {
            throw EngineError.invalidModel("Resize: keep_aspect_ratio_policy '\(policyName)' is not supported")
        }
        self.policy = policy
        if antialias, mode == .nearest {
            throw EngineError.invalidModel("Resize: antialias is not defined for mode 'nearest'")
        }
    }

    /// The opset-10 behaviour, for ``Upsample``.
    init(legacyMode mode: Mode) {
        opset = 10
        self.mode = mode
        coordinates = .asymmetric
        rounding = .simple
        cubicA = -0.75
        excludeOutside = false
        extrapolation = 0
        antialias = false
        axes = nil
        policy = .stretch
    }

    var scalesIndex: Int { opset < 11 ? 1 : 2 }
    var sizesIndex: Int? { opset < 11 ? nil : 3 }
    var roiIndex: Int? { opset < 11 ? nil : 1 }

    // MARK: - Load time

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: .numeric, "Resize: input 'X'")
        if let roiIndex, let t = inputs.optionalFact(roiIndex)?.dataType {
            try requireType(t, in: .floatingPoint, "Resize: input 'roi'")
        }
        if let t = inputs.optionalFact(scalesIndex)?.dataType {
            try requireType(t, in: .floatingPoint, "Resize: input 'scales'")
        }
        if let sizesIndex, let t = inputs.optionalFact(sizesIndex)?.dataType {
            try requireType(t, in: LayoutSupport.indexTypes, "Resize: input 'sizes'")
        }
        guard let shape = inputs.optionalFact(0)?.shape else { return [ValueFact(dataType, shape: nil)] }
        let scalesFact = inputs.optionalFact(scalesIndex)
        let sizesFact = sizesIndex.flatMap { inputs.optionalFact($0) }
        let scalesKnown = scalesFact == nil || scalesFact?.constant != nil
        let sizesKnown = sizesFact == nil || sizesFact?.constant != nil
        guard scalesKnown, sizesKnown else {
            return [ValueFact(dataType, shape: Array(repeating: .unknown, count: shape.count))]
        }
        let scales = try Self.scalesValues(scalesFact?.constantTensor)
        let sizes = try Self.sizesValues(sizesFact?.constantTensor)
        if let concrete = inputs.optionalFact(0)?.concreteShape {
            let geometry = try geometry(inputShape: concrete, scales: scales, sizes: sizes, code: .invalidModel)
            return [ValueFact(dataType, shape: LayoutSupport.dims(geometry.shape))]
        }
        // Symbolic input: resized axes with a known size are fixed, untouched axes pass through.
        let list = try LayoutSupport.normalizeAxes(axes ?? Array(0..<shape.count), rank: shape.count, op: "Resize")
        var out = shape
        for (i, axis) in list.enumerated() {
            if let scales, i < scales.count {
                if scales[i] == 1 { continue }
                out[axis] = shape[axis].value.map { .fixed(Int((Double($0) * scales[i]).rounded(.down))) } ?? .unknown
            } else if let sizes, i < sizes.count {
                out[axis] = policy == .stretch ? .fixed(sizes[i]) : .unknown
            }
        }
        return [ValueFact(dataType, shape: out)]
    }

    static func scalesValues(_ t: Tensor?) throws -> [Double]? {
        guard let t, t.count > 0 else { return nil }
        guard let values = t.floats() else { throw EngineError.invalidInput("Resize: 'scales' must be floating point") }
        return values.map { Double($0) }
    }

    static func sizesValues(_ t: Tensor?) throws -> [Int]? {
        guard let t, t.count > 0 else { return nil }
        return try LayoutSupport.integers(t, "Resize: input 'sizes'")
    }

    // MARK: - Geometry

    struct Geometry {
        var shape: [Int]
        var scales: [Double]
    }

    /// The output shape and the per-axis scale used for coordinates.
    func geometry(inputShape: [Int], scales: [Double]?, sizes: [Int]?, code: EngineError.Code) throws -> Geometry {
        let rank = inputShape.count
        let list = try LayoutSupport.normalizeAxes(axes ?? Array(0..<rank), rank: rank, op: "Resize", code: code)
        var fullScales = [Double](repeating: 1, count: rank)
        var shape = inputShape
        if let scales {
            guard sizes == nil else { throw EngineError(code, "Resize: only one of 'scales' and 'sizes' may be given") }
            guard scales.count == list.count else {
                throw EngineError(code, "Resize: 'scales' has \(scales.count) entries for \(list.count) axes")
            }
            for (i, axis) in list.enumerated() {
                let s = scales[i]
                guard s > 0, s.isFinite else { throw EngineError(code, "Resize: scale \(s) for axis \(axis) must be positive") }
                fullScales[axis] = s
                let size = (Double(inputShape[axis]) * s).rounded(.down)
                guard size < Double(Int32.max) else { throw EngineError(code, "Resize: output size \(size) is too large") }
                shape[axis] = Int(size)
            }
        } else if let sizes {
            guard sizes.count == list.count else {
                throw EngineError(code, "Resize: 'sizes' has \(sizes.count) entries for \(list.count) axes")
            }
            for (i, axis) in list.enumerated() {
                guard sizes[i] >= 0 else { throw EngineError(code, "Resize: size \(sizes[i]) for axis \(axis) is negative") }
                fullScales[axis] = inputShape[axis] == 0 ? 1 : Double(sizes[i]) / Double(inputShape[axis])
                shape[axis] = sizes[i]
            }
            if policy != .stretch, !list.isEmpty {
                let chosen = list.map { fullScales[$0] }
                let s = (policy == .notLarger ? chosen.min() : chosen.max()) ?? 1
                for axis in list {
                    fullScales[axis] = s
                    shape[axis] = Int((s * Double(inputShape[axis]) + 0.5).rounded(.down))
                }
            }
        } else {
            throw EngineError(code, "Resize: one of 'scales' and 'sizes' is required")
        }
        return Geometry(shape: shape, scales: fullScales)
    }

    // MARK: - Run

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let scales = try Self.scalesValues(try inputs.optionalTensor(scalesIndex))
        let sizes = try sizesIndex.flatMap { try Self.sizesValues(try inputs.optionalTensor($0)) }
        var roi: [Double]? = nil
        if let roiIndex, let t = try inputs.optionalTensor(roiIndex), t.count > 0 { roi = t.doubles() }
        return [.tensor(try resize(x, scales: scales, sizes: sizes, roi: roi))]
    }

    /// Resizes `x` (shared with ``Upsample``).
    func resize(_ x: Tensor, scales: [Double]?, sizes: [Int]?, roi: [Double]?) throws -> Tensor {
        let geometry = try geometry(inputShape: x.shape, scales: scales, sizes: sizes, code: .invalidInput)
        let rank = x.rank
        // The region of interest per axis (tf_crop_and_resize only).
        var roiStart = [Double](repeating: 0, count: rank)
        var roiEnd = [Double](repeating: 1, count: rank)
        if coordinates == .tfCropAndResize {
            let list = try LayoutSupport.normalizeAxes(axes ?? Array(0..<rank), rank: rank, op: "Resize", code: .invalidInput)
            guard let roi, roi.count == 2 * list.count else {
                throw EngineError.invalidInput("Resize: tf_crop_and_resize needs 'roi' with \(2 * list.count) values")
            }
            for (i, axis) in list.enumerated() {
                roiStart[axis] = roi[i]
                roiEnd[axis] = roi[i + list.count]
            }
        }
        let active = (0..<rank).filter { axis in
            geometry.shape[axis] != x.shape[axis] || geometry.scales[axis] != 1 || coordinates == .tfCropAndResize
        }
        if active.isEmpty { return x }
        _ = try LayoutSupport.checkedCount(geometry.shape, op: "Resize")
        if geometry.shape.contains(0) || x.count == 0 { return try Tensor.zeros(x.dataType, shape: geometry.shape) }

        if mode == .nearest {
            var maps = x.shape.map { Array(0..<$0) }
            for axis in active {
                maps[axis] = (0..<geometry.shape[axis]).map { j in
                    guard let xo = original(j, axis: axis, inputSize: x.shape[axis], geometry: geometry, roiStart: roiStart, roiEnd: roiEnd)
                    else { return -1 }
                    return nearest(xo, scale: geometry.scales[axis], inputSize: x.shape[axis])
                }
            }
            let fill = try LayoutSupport.scalar(extrapolation, as: x.dataType)
            let storage = try LayoutIndexKernels.gatherAxes(x.storage, shape: x.shape, maps: maps, fill: fill.storage)
            return Tensor(uncheckedShape: geometry.shape, storage: storage)
        }

        guard var values = x.doubles() else { throw EngineError.invalidInput("Resize: input 'X' must be numeric") }
        var shape = x.shape
        for axis in active {
            let inputSize = x.shape[axis]
            var taps = LayoutInterpolation.Taps()
            for j in 0..<geometry.shape[axis] {
                if let xo = original(j, axis: axis, inputSize: inputSize, geometry: geometry, roiStart: roiStart, roiEnd: roiEnd) {
                    taps.append(weights(xo, scale: geometry.scales[axis], inputSize: inputSize))
                } else {
                    taps.appendOutside()
                }
            }
            values = try LayoutInterpolation.pass(
                values, outer: shape[..<axis].reduce(1, *), inputSize: inputSize, inner: shape[(axis + 1)...].reduce(1, *), taps: taps,
                extrapolation: extrapolation)
            shape[axis] = geometry.shape[axis]
        }
        do {
            return try Tensor.fromDoubles(values, shape: shape, as: x.dataType)
        } catch {
            throw EngineError.runtime("Resize: \(error)")
        }
    }

    /// The input coordinate of output index `j` along `axis`, or nil outside the crop (tf_crop_and_resize).
    func original(_ j: Int, axis: Int, inputSize: Int, geometry: Geometry, roiStart: [Double], roiEnd: [Double]) -> Double? {
        let x = Double(j)
        let scale = geometry.scales[axis]
        let outputSize = geometry.shape[axis]
        let outputWidth = scale * Double(inputSize)
        let inputWidth = Double(inputSize)
        switch coordinates {
        case .halfPixel:
            return (x + 0.5) / scale - 0.5
        case .halfPixelSymmetric:
            let adjustment = Double(outputSize) / outputWidth
            let offset = inputWidth / 2 * (1 - adjustment)
            return offset + (x + 0.5) / scale - 0.5
        case .pytorchHalfPixel:
            return outputSize > 1 ? (x + 0.5) / scale - 0.5 : 0
        case .alignCorners:
            return outputSize == 1 ? 0 : x * (inputWidth - 1) / (outputWidth - 1)
        case .asymmetric:
            return x / scale
        case .tfHalfPixelForNN:
            return (x + 0.5) / scale
        case .tfCropAndResize:
            let span = roiEnd[axis] - roiStart[axis]
            var xo = outputSize == 1 ? span * (inputWidth - 1) / 2 : x * span * (inputWidth - 1) / (outputWidth - 1)
            xo += roiStart[axis] * (inputWidth - 1)
            return xo < 0 || xo > inputWidth - 1 ? nil : xo
        }
    }

    /// The nearest input index for coordinate `xo`.
    func nearest(_ coordinate: Double, scale: Double, inputSize: Int) -> Int {
        let xo = Self.bounded(coordinate)
        let r: Double
        switch rounding {
        case .roundPreferFloor: r = (xo - 0.5).rounded(.up)
        case .roundPreferCeil: r = (xo + 0.5).rounded(.down)
        case .floor: r = xo.rounded(.down)
        case .ceil: r = xo.rounded(.up)
        case .simple: r = scale < 1 ? xo.rounded(.up) : xo.rounded(.towardZero)
        }
        guard r.isFinite else { return 0 }
        return Int(min(max(r, 0), Double(inputSize - 1)))
    }

    /// A coordinate made safe to convert to `Int` (NaN becomes 0; far-out values are clamped, then edge-clamped anyway).
    static func bounded(_ x: Double) -> Double {
        x.isNaN ? 0 : min(max(x, -1e12), 1e12)
    }

    /// The cubic convolution kernel with coefficient `cubicA`.
    func cubic(_ t: Double) -> Double {
        let x = abs(t)
        let a = cubicA
        if x <= 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return 0
    }

    /// The input indices (clamped to the edge) and weights for coordinate `xo`.
    func weights(_ coordinate: Double, scale: Double, inputSize: Int) -> [(index: Int, weight: Double)] {
        let xo = Self.bounded(coordinate)
        let floorValue = xo.rounded(.down)
        var base = Int(floorValue)
        var ratio = xo - floorValue
        if ratio == 0 {
            ratio = 1
            base -= 1
        }
        var offsets: [Int] = []
        var w: [Double] = []
        let s = min(scale, 1)
        switch mode {
        case .linear:
            if antialias && scale < 1 {
                let start = Int((-1 / s).rounded(.down)) + 1
                for i in start..<(2 - start) {
                    offsets.append(i)
                    w.append(max(0, min(1, 1 - abs((Double(i) - ratio) * s))))
                }
            } else {
                offsets = [0, 1]
                w = [1 - ratio, ratio]
            }
        case .cubic:
            if antialias && scale < 1 {
                let start = Int((-2 / s).rounded(.down)) + 1
                for i in start..<(2 - start) {
                    offsets.append(i)
                    w.append(cubic(s * (Double(i) - ratio)))
                }
            } else {
                offsets = [-1, 0, 1, 2]
                w = [cubic(ratio + 1), cubic(ratio), cubic(1 - ratio), cubic(2 - ratio)]
            }
        case .nearest:
            return [(nearest(xo, scale: scale, inputSize: inputSize), 1)]
        }
        if antialias && scale < 1 {
            let total = w.reduce(0, +)
            if total != 0 { w = w.map { $0 / total } }
        }
        if excludeOutside {
            for (k, o) in offsets.enumerated() where base + o < 0 || base + o >= inputSize { w[k] = 0 }
            let total = w.reduce(0, +)
            if total != 0 { w = w.map { $0 / total } }
        }
        return zip(offsets, w).map { (min(max(base + $0, 0), inputSize - 1), $1) }
    }
}
