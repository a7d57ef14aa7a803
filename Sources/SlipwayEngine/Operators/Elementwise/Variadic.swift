import SlipwayTensor

/// The variadic operators fold their inputs pairwise with the broadcasting kernel.
enum ElementwiseVariadic: Sendable, ElementwiseBinaryMap {
    case max, min, sum

    func floats<T: ElementwiseFloat>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        switch self {
        // NaN propagates, as in numpy's maximum/minimum.
        case .max: T.wrap(try elementwiseBinary(a, b, plan) { $0 > $1 || $0.isNaN ? $0 : $1 })
        case .min: T.wrap(try elementwiseBinary(a, b, plan) { $0 < $1 || $0.isNaN ? $0 : $1 })
        case .sum: T.wrap(try elementwiseBinary(a, b, plan, +))
        }
    }

    func float32Quick(_ a: [Float], _ b: [Float]) -> TensorStorage? {
        let result: [Float]?
        switch self {
        case .max: result = ElementwiseKernels.quickBinary(a, b) { $0 > $1 || $0.isNaN ? $0 : $1 }
        case .min: result = ElementwiseKernels.quickBinary(a, b) { $0 < $1 || $0.isNaN ? $0 : $1 }
        case .sum: result = ElementwiseKernels.quickBinary(a, b, +)
        }
        return result.map { .float32($0) }
    }

    func integers<T: IntegerElement>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        switch self {
        case .max: T.wrap(try elementwiseBinary(a, b, plan) { Swift.max($0, $1) })
        case .min: T.wrap(try elementwiseBinary(a, b, plan) { Swift.min($0, $1) })
        case .sum: T.wrap(try elementwiseBinary(a, b, plan, &+))
        }
    }

    /// Checks that every input has one type among `allowed` and returns it with the broadcast shape.
    static func prepare(_ inputs: [ValueFact?], allowed: Set<DataType>, _ what: String) throws -> ValueFact {
        guard !inputs.isEmpty else { throw EngineError.invalidModel("\(what) needs at least one input") }
        var types: [DataType] = []
        var shapes: [[Dim]?] = []
        for i in inputs.indices {
            types.append(try inputs.dataType(i, "data_\(i)"))
            shapes.append(try inputs.fact(i, "data_\(i)").shape)
        }
        try requireType(types[0], in: allowed, "\(what) input 'data_0'")
        try ElementwiseFacts.requireSameType(types, names: types.indices.map { "data_\($0)" }, what)
        return ValueFact(types[0], shape: try ElementwiseFacts.broadcast(shapes, what))
    }

    /// Folds every input with this function.
    func fold(_ inputs: consuming [Value?], _ what: String) throws -> Tensor {
        var inputs = inputs
        guard !inputs.isEmpty else { throw EngineError.invalidInput("\(what) needs at least one input") }
        var result = try inputs.elementwiseTake(0, "data_0")
        for i in 1..<inputs.count {
            result = try apply(result, try inputs.elementwiseTake(i, "data_\(i)"), what)
        }
        return result
    }
}

/// ONNX `Max`: the elementwise maximum of its inputs, with numpy broadcasting (NaN propagates).
public struct Max: Operator {
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        [try ElementwiseVariadic.prepare(inputs, allowed: .numeric, "Max")]
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        [.tensor(try ElementwiseVariadic.max.fold(inputs, "Max"))]
    }
}

/// ONNX `Min`: the elementwise minimum of its inputs, with numpy broadcasting (NaN propagates).
public struct Min: Operator {
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        [try ElementwiseVariadic.prepare(inputs, allowed: .numeric, "Min")]
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        [.tensor(try ElementwiseVariadic.min.fold(inputs, "Min"))]
    }
}

/// ONNX `Sum`: the elementwise sum of its inputs, with numpy broadcasting.
public struct Sum: Operator {
    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        [try ElementwiseVariadic.prepare(inputs, allowed: .floatingPoint, "Sum")]
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        [.tensor(try ElementwiseVariadic.sum.fold(inputs, "Sum"))]
    }
}

/// ONNX `Mean`: the elementwise mean of its inputs, with numpy broadcasting.
public struct Mean: Operator {
    struct Scale: ElementwiseUnaryMap {
        let divisor: Double
        func floats<T: ElementwiseFloat>(_ values: inout [T]) throws {
            let d = T(divisor)
            ElementwiseKernels.mapInPlace(&values) { $0 / d }
        }
    }

    public init(_ config: OperatorConfiguration) throws {}
    public mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        [try ElementwiseVariadic.prepare(inputs, allowed: .floatingPoint, "Mean")]
    }
    public func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        let n = inputs.count
        let sum = try ElementwiseVariadic.sum.fold(inputs, "Mean")
        return n == 1 ? [.tensor(sum)] : [.tensor(try Scale(divisor: Double(n)).apply(sum))]
    }
}
