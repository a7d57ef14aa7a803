import SlipwayTensor

/// ONNX `Slice`: a strided sub-tensor: along each listed axis, elements `start, start + step, ...`
/// up to (not including) `end`.
///
/// Negative starts/ends count from the end; both are clamped to the dimension (to `[0, d]` for
/// positive steps, `[-1, d - 1]` for negative ones), so `INT64_MAX` means "to the end". Opsets 1-9
/// take `starts`/`ends`/`axes` as attributes, later ones `starts`, `ends`, `axes`, `steps` as inputs.
///
/// Named `SliceOperator`, not `Slice`, so it does not shadow `Swift.Slice` in the engine module.
public struct SliceOperator: Operator {
    struct Parameters {
        var starts: [Int]
        var ends: [Int]
        var axes: [Int]?
        var steps: [Int]?
    }

    let attributes: Parameters?

    public init(_ config: OperatorConfiguration) throws {
        if config.opsetVersion < 10 {
            guard let starts = try config.attributes.ints("starts"), let ends = try config.attributes.ints("ends") else {
                throw EngineError.invalidModel("Slice-\(config.opsetVersion): attributes 'starts' and 'ends' are required")
            }
            attributes = Parameters(starts: starts, ends: ends, axes: try config.attributes.ints("axes"), steps: nil)
        } else {
            attributes = nil
        }
    }

    /// One axis of the resolved slice.
    struct AxisSlice {
        var axis: Int
        var start: Int
        var step: Int
        var count: Int
    }

    /// Resolves the parameters against a dimension size per axis (`nil` for an unknown size).
    static func resolve(_ p: Parameters, dims: [Int?], code: EngineError.Code) throws -> [(axis: Int, slice: AxisSlice?)] {
        guard p.starts.count == p.ends.count else {
            throw EngineError(code, "Slice: 'starts' has \(p.starts.count) entries, 'ends' has \(p.ends.count)")
        }
        let axes = try LayoutSupport.normalizeAxes(p.axes ?? Array(0..<p.starts.count), rank: dims.count, op: "Slice", code: code)
        guard axes.count == p.starts.count else {
            throw EngineError(code, "Slice: 'axes' has \(axes.count) entries, 'starts' has \(p.starts.count)")
        }
        let steps = p.steps ?? Array(repeating: 1, count: axes.count)
        guard steps.count == axes.count else {
            throw EngineError(code, "Slice: 'steps' has \(steps.count) entries, 'starts' has \(p.starts.count)")
        }
        var result: [(Int, AxisSlice?)] = []
        for (i, axis) in axes.enumerated() {
            let step = steps[i]
            guard step != 0 else { throw EngineError(code, "Slice: step for axis \(axis) is 0") }
            guard let dim = dims[axis] else {
                result.append((axis, nil))
                continue
            }
            var start = p.starts[i]
            var end = p.ends[i]
            if start < 0 { start = start &+ dim }
            if end < 0 { end = end &+ dim }
            let count: Int
            if step > 0 {
                start = min(max(start, 0), dim)
                end = min(max(end, 0), dim)
                count = end > start ? (end - start - 1) / step + 1 : 0
            } else {
                start = min(max(start, 0), dim - 1)
                end = min(max(end, -1), dim - 1)
                count = start > end ? (step == Int.min ? 1 : (start - end - 1) / (-step) + 1) : 0
            }
            result.append((axis, AxisSlice(axis: axis, start: start, step: step, count: count)))
        }
        return result
    }

    func parameters(_ facts: [ValueFact?]) throws -> Parameters? {
        if let attributes { return attributes }
        for (i, name) in [(1, "starts"), (2, "ends"), (3, "axes"), (4, "steps")] where facts.optionalFact(i) != nil {
            try LayoutSupport.requireIndexType(facts, i, name, op: "Slice")
        }
        guard let starts = LayoutSupport.constantIntegers(try facts.fact(1, "starts")),
            let ends = LayoutSupport.constantIntegers(try facts.fact(2, "ends"))
        else { return nil }
        var p = Parameters(starts: starts, ends: ends, axes: nil, steps: nil)
        if let axesFact = facts.optionalFact(3) {
            guard let axes = LayoutSupport.constantIntegers(axesFact) else { return nil }
            p.axes = axes
        }
        if let stepsFact = facts.optionalFact(4) {
            guard let steps = LayoutSupport.constantIntegers(stepsFact) else { return nil }
            p.steps = steps
        }
        return p
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        let parameters = try parameters(inputs)
        guard let shape = inputs.optionalFact(0)?.shape else { return [ValueFact(dataType, shape: nil)] }
        guard let parameters else {
            // Only the rank is known; axes that are certainly not sliced are unknown too without 'axes'.
            return [ValueFact(dataType, shape: Array(repeating: .unknown, count: shape.count))]
        }
        var out = shape
        for (axis, slice) in try Self.resolve(parameters, dims: shape.map(\.value), code: .invalidModel) {
            if let slice {
                out[axis] = .fixed(slice.count)
            } else {
                let i = (parameters.axes ?? Array(0..<parameters.starts.count)).firstIndex { ($0 < 0 ? $0 + shape.count : $0) == axis }
                let whole =
                    i.map { i in
                        (parameters.steps?[i] ?? 1) == 1 && parameters.starts[i] == 0 && parameters.ends[i] >= Int(Int32.max)
                    } ?? false
                out[axis] = whole ? shape[axis] : .unknown
            }
        }
        return [ValueFact(dataType, shape: out)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        var p: Parameters
        if let attributes {
            p = attributes
        } else {
            p = Parameters(
                starts: try LayoutSupport.integers(try inputs.tensor(1, "starts"), "Slice: input 'starts'"),
                ends: try LayoutSupport.integers(try inputs.tensor(2, "ends"), "Slice: input 'ends'"), axes: nil, steps: nil)
            if let t = try inputs.optionalTensor(3) { p.axes = try LayoutSupport.integers(t, "Slice: input 'axes'") }
            if let t = try inputs.optionalTensor(4) { p.steps = try LayoutSupport.integers(t, "Slice: input 'steps'") }
        }
        let strides = Shape.strides(data.shape)
        var shape = data.shape
        var viewStrides = strides
        var offset = 0
        for (axis, slice) in try Self.resolve(p, dims: data.shape.map { $0 }, code: .invalidInput) {
            guard let slice else { continue }
            shape[axis] = slice.count
            // A stride only matters when the axis keeps more than one element (and then it cannot overflow).
            viewStrides[axis] = slice.count > 1 ? strides[axis] * slice.step : 0
            offset += slice.start * strides[axis]
        }
        if shape == data.shape, offset == 0, zip(viewStrides, zip(strides, shape)).allSatisfy({ $0 == $1.0 || $1.1 <= 1 }) {
            return [.tensor(data)]
        }
        if shape.contains(0) { return [.tensor(try Tensor.zeros(data.dataType, shape: shape))] }
        return [.tensor(try LayoutStridedCopy.copy(data, offset: offset, shape: shape, strides: viewStrides))]
    }
}
