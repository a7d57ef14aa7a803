import SlipwayTensor

/// ONNX `Reshape`: the same elements in the same order with a new shape.
///
/// A `0` in the requested shape copies the input's dimension at that position (unless `allowzero`,
/// opset 14+, makes it a literal zero); one `-1` is inferred from the element count. Opsets 1-4 take
/// the shape as an attribute, later ones as an input. No element is copied.
public struct Reshape: Operator {
    let attributeShape: [Int]?
    let allowZero: Bool
    /// The requested shape when it is known at load (the attribute, or a constant input 'shape'), validated
    /// once in `prepare`.
    var constantShape: [Int]? = nil

    public init(_ config: OperatorConfiguration) throws {
        if config.opsetVersion < 5 {
            guard let shape = try config.attributes.ints("shape") else {
                throw EngineError.invalidModel("Reshape-\(config.opsetVersion): attribute 'shape' is required")
            }
            attributeShape = shape
        } else {
            attributeShape = nil
        }
        let allowZeroValue = try config.attributes.int("allowzero", default: 0)
        allowZero = config.opsetVersion >= 14 && allowZeroValue != 0
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        constantShape = nil
        let dataType = try inputs.dataType(0, "data")
        let requested: [Int]
        if let attributeShape {
            requested = attributeShape
        } else {
            let shapeType = try inputs.dataType(1, "shape")
            try requireType(shapeType, in: LayoutSupport.indexTypes, "Reshape: input 'shape'")
            guard let constant = LayoutSupport.constantIntegers(inputs.optionalFact(1)) else {
                if let shapeShape = inputs.optionalFact(1)?.shape, shapeShape.count == 1, let rank = shapeShape[0].value {
                    return [ValueFact(dataType, shape: Array(repeating: .unknown, count: rank))]
                }
                return [ValueFact(dataType, shape: nil)]
            }
            requested = constant
        }
        try Self.validate(requested, allowZero: allowZero, code: .invalidModel)
        constantShape = requested
        let input = inputs.optionalFact(0)?.shape
        return [ValueFact(dataType, shape: try Self.inferDims(input, requested, allowZero: allowZero))]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let data = try inputs.tensor(0, "data")
        let requested: [Int]
        if let known = constantShape {
            requested = known
        } else {
            requested = try attributeShape ?? LayoutSupport.integers(try inputs.tensor(1, "shape"), "Reshape: input 'shape'")
            try Self.validate(requested, allowZero: allowZero, code: .invalidInput)
        }
        let shape = try Self.resolve(data.shape, requested, allowZero: allowZero)
        return [.tensor(Tensor(uncheckedShape: shape, storage: data.storage))]
    }

    /// Rejects values below -1, several -1, and `0` together with `-1` under `allowzero`.
    static func validate(_ requested: [Int], allowZero: Bool, code: EngineError.Code) throws {
        if let bad = requested.first(where: { $0 < -1 }) {
            throw EngineError(code, "Reshape: shape \(requested) contains \(bad); dimensions must be >= -1")
        }
        if requested.filter({ $0 == -1 }).count > 1 {
            throw EngineError(code, "Reshape: shape \(requested) has more than one -1")
        }
        if allowZero, requested.contains(0), requested.contains(-1) {
            throw EngineError(code, "Reshape: shape \(requested) has both 0 and -1 while allowzero is set")
        }
    }

    /// The concrete output shape for an input of `input` shape.
    static func resolve(_ input: [Int], _ requested: [Int], allowZero: Bool) throws -> [Int] {
        var shape = requested
        var inferred: Int? = nil
        for (i, r) in requested.enumerated() {
            if r == 0 && !allowZero {
                guard i < input.count else {
                    throw EngineError.invalidInput(
                        "Reshape: shape \(requested) copies dimension \(i) (a 0) but the input \(input) has rank \(input.count)")
                }
                shape[i] = input[i]
            } else if r == -1 {
                inferred = i
            }
        }
        let total = Shape.elementCount(input) ?? 0
        if let k = inferred {
            var others = shape
            others.remove(at: k)
            guard let known = Shape.elementCount(others), known != 0, total % known == 0 else {
                throw EngineError.invalidInput("Reshape: cannot reshape input of shape \(input) (\(total) elements) to \(requested)")
            }
            shape[k] = total / known
        }
        guard Shape.elementCount(shape) == total else {
            throw EngineError.invalidInput("Reshape: cannot reshape input of shape \(input) (\(total) elements) to \(requested) (\(shape))")
        }
        return shape
    }

    /// The output dims, keeping symbolic dims that pass through a `0` and inferring `-1` when the
    /// symbols on both sides cancel.
    static func inferDims(_ input: [Dim]?, _ requested: [Int], allowZero: Bool) throws -> [Dim] {
        var out: [Dim] = []
        var inferred: Int? = nil
        for (i, r) in requested.enumerated() {
            if r == -1 {
                inferred = i
                out.append(.unknown)
            } else if r == 0 && !allowZero {
                guard let input else {
                    out.append(.unknown)
                    continue
                }
                guard i < input.count else {
                    throw EngineError.invalidModel("Reshape: shape \(requested) copies dimension \(i) (a 0) but the input has rank \(input.count)")
                }
                out.append(input[i])
            } else {
                out.append(.fixed(r))
            }
        }
        guard let input else { return out }
        // Dimensions copied by a 0 appear on both sides and cancel; what is left must be all fixed.
        let copied = Set(requested.indices.filter { requested[$0] == 0 && !allowZero })
        var inputFixed = 1
        var inputOther: [Dim] = []
        for (i, d) in input.enumerated() where !copied.contains(i) {
            if let v = d.value {
                let (p, overflow) = inputFixed.multipliedReportingOverflow(by: v)
                guard !overflow else { return out }
                inputFixed = p
            } else {
                inputOther.append(d)
            }
        }
        var outputFixed = 1
        for (i, d) in out.enumerated() where i != inferred && !copied.contains(i) {
            guard let v = d.value else { return out }
            let (p, overflow) = outputFixed.multipliedReportingOverflow(by: v)
            guard !overflow else { return out }
            outputFixed = p
        }
        guard inputOther.isEmpty else { return out }
        if let k = inferred {
            guard outputFixed != 0 else { return out }
            guard inputFixed % outputFixed == 0 else {
                throw EngineError.invalidModel("Reshape: cannot reshape input of shape \(input) to \(requested)")
            }
            out[k] = .fixed(inputFixed / outputFixed)
        } else if inputFixed != outputFixed {
            throw EngineError.invalidModel("Reshape: cannot reshape input of shape \(input) to \(requested): element counts differ")
        }
        return out
    }
}
