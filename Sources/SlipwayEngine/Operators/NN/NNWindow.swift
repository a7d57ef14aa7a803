import SlipwayTensor

/// The sliding-window attributes shared by Conv, ConvTranspose and the pools: kernel_shape, strides,
/// pads, dilations, auto_pad, ceil_mode.
struct NNWindowAttributes: Sendable {
    enum AutoPad: String, Sendable {
        case notSet = "NOTSET", sameUpper = "SAME_UPPER", sameLower = "SAME_LOWER", valid = "VALID"
    }

    var op: String
    var kernelShape: [Int]?
    var strides: [Int]?
    var pads: [Int]?
    var dilations: [Int]?
    var autoPad: AutoPad
    var ceilMode: Bool

    init(_ config: OperatorConfiguration, allowDilations: Bool = true, allowCeilMode: Bool = true) throws {
        op = config.opType
        let a = config.attributes
        kernelShape = try a.ints("kernel_shape")
        strides = try a.ints("strides")
        pads = try a.ints("pads")
        dilations = allowDilations ? try a.ints("dilations") : nil
        ceilMode = allowCeilMode ? try a.int("ceil_mode", default: 0) != 0 : false
        let text = try a.string("auto_pad", default: "NOTSET")
        guard let mode = AutoPad(rawValue: text.isEmpty ? "NOTSET" : text) else {
            throw EngineError.invalidModel("\(op): attribute 'auto_pad' has unknown value '\(text)'")
        }
        autoPad = mode
        if let kernelShape, kernelShape.contains(where: { $0 <= 0 }) {
            throw EngineError.invalidModel("\(op): attribute 'kernel_shape' \(kernelShape) must be positive")
        }
        if let strides, strides.contains(where: { $0 <= 0 }) {
            throw EngineError.invalidModel("\(op): attribute 'strides' \(strides) must be positive")
        }
        if let dilations, dilations.contains(where: { $0 <= 0 }) {
            throw EngineError.invalidModel("\(op): attribute 'dilations' \(dilations) must be positive")
        }
        if let pads, pads.contains(where: { $0 < 0 }) {
            throw EngineError.invalidModel("\(op): attribute 'pads' \(pads) must be non-negative")
        }
    }

    /// Checks the attribute lengths against the number of spatial axes.
    func validate(spatial: Int, kernel: [Int]) throws {
        guard kernel.count == spatial else {
            throw EngineError.invalidModel("\(op): kernel has \(kernel.count) spatial axes but the input has \(spatial)")
        }
        if let strides, strides.count != spatial {
            throw EngineError.invalidModel("\(op): attribute 'strides' \(strides) needs \(spatial) values")
        }
        if let dilations, dilations.count != spatial {
            throw EngineError.invalidModel("\(op): attribute 'dilations' \(dilations) needs \(spatial) values")
        }
        if let pads, pads.count != 2 * spatial {
            throw EngineError.invalidModel("\(op): attribute 'pads' \(pads) needs \(2 * spatial) values")
        }
    }

    /// Resolves pads and output sizes for a forward window (Conv, pools) over `input` spatial sizes.
    func geometry(input: [Int], kernel: [Int]) throws -> NNWindowGeometry {
        let spatial = input.count
        try validate(spatial: spatial, kernel: kernel)
        let strides = self.strides ?? Array(repeating: 1, count: spatial)
        let dilations = self.dilations ?? Array(repeating: 1, count: spatial)
        var begin = Array(repeating: 0, count: spatial), end = Array(repeating: 0, count: spatial)
        var output = Array(repeating: 0, count: spatial)
        for i in 0..<spatial {
            let extent = (kernel[i] - 1) * dilations[i] + 1
            switch autoPad {
            case .notSet:
                begin[i] = pads?[i] ?? 0
                end[i] = pads?[i + spatial] ?? 0
                let span = input[i] + begin[i] + end[i] - extent
                guard span >= 0 else {
                    throw EngineError.invalidInput(
                        "\(op): the window (\(extent) wide on spatial axis \(i)) is larger than the padded input (\(input[i] + begin[i] + end[i]))")
                }
                if ceilMode {
                    var out = (span + strides[i] - 1) / strides[i] + 1
                    // A window that would start in the end padding is dropped.
                    if (out - 1) * strides[i] >= input[i] + begin[i] { out -= 1 }
                    output[i] = out
                } else {
                    output[i] = span / strides[i] + 1
                }
            case .valid:
                let span = input[i] - extent
                guard span >= 0 else {
                    throw EngineError.invalidInput("\(op): the window (\(extent)) is larger than the input (\(input[i])) on spatial axis \(i)")
                }
                output[i] = ceilMode ? (span + strides[i] - 1) / strides[i] + 1 : span / strides[i] + 1
            case .sameUpper, .sameLower:
                let out = (input[i] + strides[i] - 1) / strides[i]
                let total = max(0, (out - 1) * strides[i] + extent - input[i])
                let small = total / 2
                begin[i] = autoPad == .sameUpper ? small : total - small
                end[i] = total - begin[i]
                output[i] = out
            }
        }
        return NNWindowGeometry(
            input: input, kernel: kernel, strides: strides, dilations: dilations, padsBegin: begin, padsEnd: end, output: output)
    }

    /// The output spatial dims for symbolic input dims (unknown where an input dim is not fixed).
    func outputDims(input: [Dim], kernel: [Int]) throws -> [Dim] {
        let fixed = input.compactMap(\.value)
        guard fixed.count == input.count else {
            try validate(spatial: input.count, kernel: kernel)
            return Array(repeating: .unknown, count: input.count)
        }
        return try geometry(input: fixed, kernel: kernel).output.map { .fixed($0) }
    }
}

/// A resolved sliding window: sizes, strides, dilations, pads and output sizes per spatial axis.
struct NNWindowGeometry: Sendable, Equatable {
    var input: [Int]
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    var padsBegin: [Int]
    var padsEnd: [Int]
    var output: [Int]

    var spatial: Int { input.count }
    var inputSize: Int { input.reduce(1, *) }
    var outputSize: Int { output.reduce(1, *) }
    var kernelSize: Int { kernel.reduce(1, *) }
    var isPointwise: Bool {
        kernel.allSatisfy { $0 == 1 } && strides.allSatisfy { $0 == 1 } && padsBegin.allSatisfy { $0 == 0 }
            && padsEnd.allSatisfy { $0 == 0 }
    }
}
