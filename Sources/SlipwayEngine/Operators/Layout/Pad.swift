import SlipwayTensor

/// ONNX `Pad`: adds `pads[i]` elements before and `pads[i + n]` after each axis (negative pads crop).
///
/// Modes: `constant` (the constant value, default 0), `reflect` (mirror without repeating the edge),
/// `edge` (repeat the edge), `wrap` (opset 19+, cyclic). Opsets 1-10 take pads and value as
/// attributes; from 11 `pads` and `constant_value` are inputs, and from 18 an `axes` input selects
/// which axes the pads refer to.
public struct Pad: Operator {
    enum Mode: String { case constant, reflect, edge, wrap }

    let mode: Mode
    let attributePads: [Int]?
    let attributeValue: Double

    public init(_ config: OperatorConfiguration) throws {
        let name = try config.attributes.string("mode", default: "constant")
        guard let mode = Mode(rawValue: name), mode != .wrap || config.opsetVersion >= 19 else {
            throw EngineError.invalidModel("Pad-\(config.opsetVersion): mode '\(name)' is not supported")
        }
        self.mode = mode
        if config.opsetVersion < 11 {
            guard let pads = try config.attributes.ints(config.opsetVersion < 2 ? "paddings" : "pads") else {
                throw EngineError.invalidModel("Pad-\(config.opsetVersion): attribute 'pads' is required")
            }
            attributePads = pads
            attributeValue = Double(try config.attributes.float("value", default: 0))
        } else {
            attributePads = nil
            attributeValue = 0
        }
    }

    /// Begin and end pads per axis, from `pads` listed for `axes` (all axes when nil).
    static func perAxis(_ pads: [Int], axes: [Int]?, rank: Int, code: EngineError.Code) throws -> [(Int, Int)] {
        let list = try LayoutSupport.normalizeAxes(axes ?? Array(0..<rank), rank: rank, op: "Pad", code: code)
        guard pads.count == 2 * list.count else {
            throw EngineError(code, "Pad: 'pads' has \(pads.count) entries, expected \(2 * list.count) for \(list.count) axes")
        }
        var result = Array(repeating: (0, 0), count: rank)
        for (i, axis) in list.enumerated() { result[axis] = (pads[i], pads[i + list.count]) }
        return result
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let dataType = try inputs.dataType(0, "data")
        var pads = attributePads
        var axes: [Int]? = nil
        if attributePads == nil {
            _ = try inputs.fact(1, "pads")
            try LayoutSupport.requireIndexType(inputs, 1, "pads", op: "Pad")
            pads = LayoutSupport.constantIntegers(inputs.optionalFact(1))
            if let valueFact = inputs.optionalFact(2), let valueType = valueFact.dataType, valueType != dataType {
                throw EngineError.invalidModel("Pad: input 'constant_value' has type \(valueType), 'data' has \(dataType)")
            }
            if let axesFact = inputs.optionalFact(3) {
                try LayoutSupport.requireIndexType(inputs, 3, "axes", op: "Pad")
                guard let constant = LayoutSupport.constantIntegers(axesFact) else { return unknown(inputs, dataType) }
                axes = constant
            }
        }
        guard let shape = inputs.optionalFact(0)?.shape else { return [ValueFact(dataType, shape: nil)] }
        guard let pads else { return unknown(inputs, dataType) }
        let perAxis = try Self.perAxis(pads, axes: axes, rank: shape.count, code: .invalidModel)
        return [
            ValueFact(
                dataType,
                shape: zip(shape, perAxis).map { d, p in
                    if p.0 == 0 && p.1 == 0 { return d }
                    guard let v = d.value else { return .unknown }
                    let (a, o1) = v.addingReportingOverflow(p.0)
                    let (b, o2) = a.addingReportingOverflow(p.1)
                    return o1 || o2 || b < 0 ? .unknown : .fixed(b)
                })
        ]
    }

    private func unknown(_ inputs: [ValueFact?], _ dataType: DataType) -> [ValueFact] {
        [ValueFact(dataType, shape: inputs.optionalFact(0)?.rank.map { Array(repeating: .unknown, count: $0) })]
    }

    /// The source index for each output position along one axis (-1: the constant).
    static func map(size d: Int, before: Int, after: Int, mode: Mode, axis: Int) throws -> [Int] {
        let (partial, o1) = d.addingReportingOverflow(before)
        let (n, o2) = partial.addingReportingOverflow(after)
        guard !o1, !o2, n <= LayoutSupport.maximumElements else {
            throw EngineError.invalidInput("Pad: pads (\(before), \(after)) on axis \(axis) are too large")
        }
        guard n >= 0 else {
            throw EngineError.invalidInput("Pad: pads (\(before), \(after)) remove more than the \(d) elements of axis \(axis)")
        }
        if d == 0, n > 0, mode != .constant {
            throw EngineError.invalidInput("Pad: cannot pad the empty axis \(axis) in \(mode.rawValue) mode")
        }
        return (0..<n).map { o in
            let i = o - before
            if i >= 0 && i < d { return i }
            switch mode {
            case .constant: return -1
            case .edge: return min(max(i, 0), d - 1)
            case .wrap: return ((i % d) + d) % d
            case .reflect:
                if d == 1 { return 0 }
                let period = 2 * (d - 1)
                let m = ((i % period) + period) % period
                return m < d ? m : period - m
            }
        }
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let pads: [Int]
        var axes: [Int]? = nil
        var value: Tensor
        if let attributePads {
            pads = attributePads
            value = try LayoutSupport.scalar(attributeValue, as: data.dataType)
        } else {
            pads = try LayoutSupport.integers(try inputs.tensor(1, "pads"), "Pad: input 'pads'")
            value = try LayoutSupport.scalar(0, as: data.dataType)
            if let v = try inputs.optionalTensor(2), v.count > 0 {
                guard v.dataType == data.dataType else {
                    throw EngineError.invalidInput("Pad: input 'constant_value' has type \(v.dataType), 'data' has \(data.dataType)")
                }
                value = v
            }
            if let a = try inputs.optionalTensor(3) { axes = try LayoutSupport.integers(a, "Pad: input 'axes'") }
        }
        let perAxis = try Self.perAxis(pads, axes: axes, rank: data.rank, code: .invalidInput)
        if perAxis.allSatisfy({ $0.0 == 0 && $0.1 == 0 }) { return [.tensor(data)] }
        _ = try LayoutSupport.checkedCount(
            zip(data.shape, perAxis).map { $0.addingReportingOverflow($1.0).partialValue.addingReportingOverflow($1.1).partialValue }, op: "Pad")
        let maps = try perAxis.enumerated().map { axis, p in
            try Self.map(size: data.shape[axis], before: p.0, after: p.1, mode: mode, axis: axis)
        }
        let storage = try LayoutIndexKernels.gatherAxes(data.storage, shape: data.shape, maps: maps, fill: value.storage)
        return [.tensor(Tensor(uncheckedShape: maps.map(\.count), storage: storage))]
    }
}
