import SlipwayTensor

/// The shared part of the windowed pools (MaxPool, AveragePool, LpPool): attribute checks, output shape
/// inference and the window plan, built at load time when the input's spatial shape is known.
struct NNPooling: Sendable {
    let window: NNWindowAttributes
    let kernel: [Int]
    var plan: NNPoolPlan?

    init(_ config: OperatorConfiguration, allowDilations: Bool, allowCeilMode: Bool) throws {
        window = try NNWindowAttributes(config, allowDilations: allowDilations, allowCeilMode: allowCeilMode)
        guard let kernel = window.kernelShape else {
            throw EngineError.invalidModel("\(config.opType): attribute 'kernel_shape' is required")
        }
        self.kernel = kernel
    }

    /// Checks X and returns the output shape `[N, C, out...]`.
    mutating func prepare(_ x: ValueFact, op: String) throws -> [Dim]? {
        guard let shape = try NNShape.requireRank(x, atLeast: 3, "\(op) input 'X'") else { return nil }
        let spatial = Array(shape.dropFirst(2))
        let dims = try window.outputDims(input: spatial, kernel: kernel)
        let fixed = spatial.compactMap(\.value)
        if fixed.count == spatial.count {
            plan = NNPoolPlan(try window.geometry(input: fixed, kernel: kernel))
        }
        return [shape[0], shape[1]] + dims
    }

    /// The plan for an input of `shape` (the load-time one when it matches).
    func plan(for shape: [Int], op: String) throws -> NNPoolPlan {
        guard shape.count >= 3 else { throw EngineError.invalidInput("\(op): input 'X' must have rank >= 3, got \(shape)") }
        let spatial = Array(shape.dropFirst(2))
        if let plan, plan.geometry.input == spatial { return plan }
        return NNPoolPlan(try window.geometry(input: spatial, kernel: kernel))
    }
}
