import SlipwayTensor

/// The configuration, type checks, shape inference and execution shared by every `Reduce*` operator.
///
/// `axes` is an attribute before `axesInputSince` and an optional int64 input from it on. An empty or
/// absent `axes` reduces every axis, unless `noop_with_empty_axes` is set: then nothing is reduced and
/// each element is mapped on its own (ReduceSumSquare squares it, ReduceL1 takes its magnitude, ...).
struct ReductionCore: Sendable {
    let name: String
    let kind: ReductionKind
    let axesAttribute: [Int]?
    let axesFromInput: Bool
    let keepDims: Bool
    let noopWithEmptyAxes: Bool
    let allowedTypes: Set<DataType>

    /// The element types of the opset-18 schemas (ReduceMax/ReduceMin add int8/uint8, and bool from 20).
    static let sumLikeTypes: Set<DataType> = [.float32, .float64, .float16, .bfloat16, .int32, .int64, .uint32, .uint64]

    init(_ config: OperatorConfiguration, kind: ReductionKind, axesInputSince: Int) throws {
        name = config.opType
        self.kind = kind
        let a = config.attributes
        axesFromInput = config.opsetVersion >= axesInputSince
        if axesFromInput {
            if a.has("axes") {
                throw EngineError.invalidModel("\(config.opType)-\(config.opsetVersion) takes 'axes' as an input, not an attribute")
            }
            axesAttribute = nil
        } else {
            axesAttribute = try a.ints("axes")
        }
        keepDims = try a.int("keepdims", default: 1) != 0
        noopWithEmptyAxes = try a.int("noop_with_empty_axes", default: 0) != 0
        var types = Self.sumLikeTypes
        if kind == .max || kind == .min {
            types.formUnion([.int8, .uint8])
            if config.opsetVersion >= 20 { types.insert(.bool) }
        }
        allowedTypes = types
    }

    /// The reduced axes for an input of `rank`, from the raw `axes` (nil = not given).
    func reducedAxes(_ raw: [Int]?, rank: Int, error: (String) -> EngineError) throws -> Set<Int> {
        guard let raw, !raw.isEmpty else { return noopWithEmptyAxes ? [] : Set(0..<rank) }
        var result = Set<Int>()
        for axis in raw {
            guard let normalized = Shape.normalizeAxis(axis, rank: rank) else {
                throw error("\(name): axis \(axis) is out of range for an input of rank \(rank)")
            }
            result.insert(normalized)
        }
        return result
    }

    func outputShape<D>(_ shape: [D], axes: Set<Int>, one: D) -> [D] {
        var result: [D] = []
        for (axis, d) in shape.enumerated() {
            if axes.contains(axis) {
                if keepDims { result.append(one) }
            } else {
                result.append(d)
            }
        }
        return result
    }

    func prepare(_ inputs: [ValueFact?]) throws -> [ValueFact] {
        let data = try inputs.fact(0, "data")
        let dataType = try inputs.dataType(0, "data")
        try requireType(dataType, in: allowedTypes, "\(name) input 'data'")
        // The static axes: .some(raw) when known at load time, nil when they come from a runtime input.
        var staticAxes: [Int]?? = .some(axesAttribute)
        if axesFromInput, let axesFact = inputs.optionalFact(1) {
            let axesType = try inputs.dataType(1, "axes")
            try requireType(axesType, in: [.int64, .int32], "\(name) input 'axes'")
            if let constant = axesFact.constantTensor {
                guard let values = constant.integers() else { throw EngineError.invalidModel("\(name): 'axes' must be integers") }
                staticAxes = .some(values)
            } else {
                staticAxes = .none
            }
        }
        guard let shape = data.shape else { return [ValueFact(dataType, shape: nil)] }
        switch staticAxes {
        case .some(let raw):
            let axes = try reducedAxes(raw, rank: shape.count, error: EngineError.invalidModel)
            return [ValueFact(dataType, shape: outputShape(shape, axes: axes, one: Dim.fixed(1)))]
        case .none:
            guard keepDims else { return [ValueFact(dataType, shape: nil)] }
            return [ValueFact(dataType, shape: shape.map { $0 == .fixed(1) ? $0 : .unknown })]
        }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        var raw = axesAttribute
        if axesFromInput, let axesTensor = try inputs.optionalTensor(1) {
            guard let values = axesTensor.integers() else {
                throw EngineError.invalidInput("\(name): input 'axes' must be an integer tensor, got \(axesTensor.dataType)")
            }
            raw = values
        }
        let axes = try reducedAxes(raw, rank: data.rank, error: EngineError.invalidInput)
        let layout = ReductionLayout(shape: data.shape, axes: axes)
        let storage = try ReductionKernels.reduce(data.storage, layout, kind: kind)
        return [.tensor(try Tensor(shape: outputShape(data.shape, axes: axes, one: 1), storage: storage))]
    }
}

/// The attributes, checks and execution shared by ArgMax and ArgMin.
struct ArgReductionCore: Sendable {
    let name: String
    let largest: Bool
    let axis: Int
    let keepDims: Bool
    let selectLast: Bool

    init(_ config: OperatorConfiguration, largest: Bool) throws {
        name = config.opType
        self.largest = largest
        let a = config.attributes
        axis = try a.int("axis", default: 0)
        keepDims = try a.int("keepdims", default: 1) != 0
        selectLast = try a.int("select_last_index", default: 0) != 0
    }

    func prepare(_ inputs: [ValueFact?]) throws -> [ValueFact] {
        let data = try inputs.fact(0, "data")
        try requireType(try inputs.dataType(0, "data"), in: .numeric, "\(name) input 'data'")
        guard let shape = data.shape else { return [ValueFact(.int64, shape: nil)] }
        guard let axis = Shape.normalizeAxis(axis, rank: shape.count) else {
            throw EngineError.invalidModel("\(name): axis \(self.axis) is out of range for an input of rank \(shape.count)")
        }
        if case .fixed(0) = shape[axis] {
            throw EngineError.invalidModel("\(name): axis \(self.axis) has size 0, so there is no element to select")
        }
        var out = shape
        if keepDims { out[axis] = .fixed(1) } else { out.remove(at: axis) }
        return [ValueFact(.int64, shape: out)]
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        guard let axis = Shape.normalizeAxis(axis, rank: data.rank) else {
            throw EngineError.invalidInput("\(name): axis \(self.axis) is out of range for an input of rank \(data.rank)")
        }
        let n = data.shape[axis]
        guard n > 0 else { throw EngineError.invalidInput("\(name): axis \(self.axis) of shape \(data.shape) is empty") }
        let (outer, _, inner) = reductionAxisSplit(data.shape, axis: axis)
        let indices = try ArgReductionKernel.argReduce(
            data.storage, outer: outer, n: n, inner: inner, largest: largest, selectLast: selectLast)
        var shape = data.shape
        if keepDims { shape[axis] = 1 } else { shape.remove(at: axis) }
        return [.tensor(try Tensor(shape: shape, storage: .int64(indices)))]
    }
}

/// `[outer, n, inner]` sizes of a shape around `axis`.
func reductionAxisSplit(_ shape: [Int], axis: Int) -> (outer: Int, n: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
}
