import SlipwayTensor

/// A test on one floating-point value (IsNaN, IsInf).
protocol ElementwiseFloatPredicate: Sendable {
    func test<T: BinaryFloatingPoint>(_ x: T) -> Bool
}

extension ElementwiseFloatPredicate {
    /// Applies the test to every element of a floating-point tensor; the result is bool of the same shape.
    func classify(_ t: Tensor, _ what: String) throws -> Tensor {
        let flags: [Bool]
        switch t.storage {
        case .float32(let a): flags = a.map { test($0) }
        case .float64(let a): flags = a.map { test($0) }
        case .float16(let a): flags = a.map { test($0) }
        case .bfloat16(let a): flags = a.map { test($0.floatValue) }
        default: throw EngineError.invalidInput("\(what): input 'X' has type \(t.dataType), expected a floating-point type")
        }
        return Tensor(uncheckedShape: t.shape, storage: .bool(flags))
    }

    func prepare(_ inputs: [ValueFact?], _ what: String) throws -> [ValueFact] {
        try requireType(try inputs.dataType(0, "X"), in: .floatingPoint, "\(what) input 'X'")
        return [ValueFact(.bool, shape: try inputs.fact(0, "X").shape)]
    }
}

/// ONNX `IsNaN`: true where x is NaN.
public struct IsNaN: Operator {
    struct Test: ElementwiseFloatPredicate {
        func test<T: BinaryFloatingPoint>(_ x: T) -> Bool { x.isNaN }
    }

    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try Test().prepare(inputs, "IsNaN")
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        [.tensor(try Test().classify(try inputs.tensor(0, "X"), "IsNaN"))]
    }
}

/// ONNX `IsInf`: true where x is +infinity (unless `detect_positive = 0`) or -infinity (unless
/// `detect_negative = 0`).
public struct IsInf: Operator {
    struct Test: ElementwiseFloatPredicate {
        let positive: Bool
        let negative: Bool
        func test<T: BinaryFloatingPoint>(_ x: T) -> Bool {
            x.isInfinite && (x > 0 ? positive : negative)
        }
    }

    let predicate: Test

    public init(_ config: OperatorConfiguration) throws {
        predicate = Test(
            positive: try config.attributes.int("detect_positive", default: 1) != 0,
            negative: try config.attributes.int("detect_negative", default: 1) != 0)
    }
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        try predicate.prepare(inputs, "IsInf")
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        [.tensor(try predicate.classify(try inputs.tensor(0, "X"), "IsInf"))]
    }
}
