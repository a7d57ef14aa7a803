import SlipwayTensor

/// ONNX `Clip`: `min(max(x, lo), hi)` elementwise; NaN stays NaN, and when lo > hi every value becomes hi.
///
/// Before opset 11 the bounds are float attributes `min`/`max`; from 11 they are optional scalar
/// inputs of X's type (integer types from opset 12). A missing bound does not clip.
public struct Clip: Operator {
    /// Attribute bounds (opset < 11); nil from opset 11.
    let attributeBounds: (min: Double?, max: Double?)?

    struct Bounds: ElementwiseUnaryMap {
        let lower: Tensor?
        let upper: Tensor?
        let attributes: (min: Double?, max: Double?)?

        func bound<T: ElementwiseFloat>(_ t: Tensor?, _ attribute: Double?) -> T? {
            if let attribute { return T(attribute) }
            guard let t else { return nil }
            if let same = t.elements(as: T.self)?.first { return same }
            return t.doubles()?.first.map { T($0) }
        }

        func floats<T: ElementwiseFloat>(_ values: inout [T]) throws {
            let lo: T = bound(lower, attributes?.min) ?? -T.infinity
            let hi: T = bound(upper, attributes?.max) ?? T.infinity
            ElementwiseKernels.mapInPlace(&values) { x in
                let v = x < lo ? lo : x
                return v > hi ? hi : v
            }
        }

        func integers<T: IntegerElement>(_ values: inout [T]) throws {
            guard lower == nil || lower?.dataType == T.dataType, upper == nil || upper?.dataType == T.dataType else {
                throw EngineError.invalidInput("Clip: the bounds must have X's type \(T.dataType)")
            }
            let lo = lower?.elements(as: T.self)?.first ?? T.min
            let hi = upper?.elements(as: T.self)?.first ?? T.max
            ElementwiseKernels.mapInPlace(&values) { x in
                let v = x < lo ? lo : x
                return v > hi ? hi : v
            }
        }
    }

    public init(_ config: OperatorConfiguration) throws {
        if config.opsetVersion < 11 {
            attributeBounds = (
                try config.attributes.float("min").map { Double($0) }, try config.attributes.float("max").map { Double($0) }
            )
        } else {
            attributeBounds = nil
        }
    }

    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let type = try inputs.dataType(0, "input")
        try requireType(type, in: attributeBounds == nil ? .numeric : .floatingPoint, "Clip input 'input'")
        if attributeBounds == nil {
            for (i, name) in [(1, "min"), (2, "max")] {
                guard let fact = inputs.optionalFact(i) else { continue }
                guard let t = fact.dataType, t == type else {
                    throw EngineError.invalidModel("Clip: input '\(name)' has type \(fact.type), expected \(type) like input 'input'")
                }
                if let shape = fact.concreteShape, Shape.elementCount(shape) != 1 {
                    throw EngineError.invalidModel("Clip: input '\(name)' must be a scalar, got shape \(shape)")
                }
            }
        }
        return [ValueFact(type, shape: try inputs.fact(0, "input").shape)]
    }

    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        var inputs = inputs
        let x = try inputs.elementwiseTake(0, "input")
        var lower: Tensor? = nil
        var upper: Tensor? = nil
        if attributeBounds == nil {
            lower = try inputs.elementwiseTakeOptional(1, "min")
            upper = try inputs.elementwiseTakeOptional(2, "max")
            for (name, t) in [("min", lower), ("max", upper)] {
                if let t, t.count != 1 {
                    throw EngineError.invalidInput("Clip: input '\(name)' must hold one value, got shape \(t.shape)")
                }
                if let t, t.dataType != x.dataType {
                    throw EngineError.invalidInput("Clip: input '\(name)' has type \(t.dataType), expected \(x.dataType)")
                }
            }
        }
        return [.tensor(try Bounds(lower: lower, upper: upper, attributes: attributeBounds).apply(x))]
    }
}
