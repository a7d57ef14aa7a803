import RealModule
import SlipwayTensor

// Shared plumbing of the elementwise operators: fact inference for broadcasting, taking inputs by
// ownership (so unary kernels can overwrite a buffer nobody else holds), and per-dtype dispatch.

/// Float and Double: the types elementwise math is computed in (float16 and bfloat16 go through Float).
typealias ElementwiseFloat = Real & BinaryFloatingPoint & NumericElement

/// Float16 and BFloat16: stored narrow, computed in Float.
protocol ElementwiseNarrowFloat: TensorElement {
    init(_ value: Float)
    var elementwiseWidened: Float { get }
}

extension Float16: ElementwiseNarrowFloat {
    var elementwiseWidened: Float { Float(self) }
}

extension BFloat16: ElementwiseNarrowFloat {
    var elementwiseWidened: Float { floatValue }
}

// MARK: - Facts

enum ElementwiseFacts {
    /// The broadcast of `shapes` (nil when a rank is unknown); throws when known dims certainly clash.
    static func broadcast(_ shapes: [[Dim]?], _ what: String) throws -> [Dim]? {
        var known: [[Dim]] = []
        for shape in shapes {
            guard let shape else { return nil }
            known.append(shape)
        }
        guard let result = Dim.broadcast(known) else {
            let text = known.map { "[" + $0.map(\.description).joined(separator: ",") + "]" }.joined(separator: " and ")
            throw EngineError.invalidModel("\(what): input shapes \(text) do not broadcast")
        }
        return result
    }

    /// Throws unless every input's type equals the first one's.
    static func requireSameType(_ types: [DataType], names: [String], _ what: String) throws {
        guard let first = types.first else { return }
        for (i, t) in types.enumerated().dropFirst() where t != first {
            throw EngineError.invalidModel(
                "\(what): input '\(names[min(i, names.count - 1)])' has type \(t) but input '\(names[0])' has type \(first); they must match")
        }
    }
}

// MARK: - Inputs by ownership

extension Array where Element == Value? {
    /// Moves the tensor at `index` out of the array (leaving nil), so the caller may hold its buffer uniquely.
    mutating func elementwiseTake(_ index: Int, _ name: String) throws -> Tensor {
        guard index < count, let value = self[index] else {
            throw EngineError.invalidInput("input \(index) '\(name)' is required")
        }
        self[index] = nil
        guard case .tensor(let t) = value else {
            throw EngineError.invalidInput("input \(index) '\(name)' must be a tensor, got \(value.type)")
        }
        return t
    }

    /// Like ``elementwiseTake(_:_:)`` for an optional input: nil when omitted.
    mutating func elementwiseTakeOptional(_ index: Int, _ name: String) throws -> Tensor? {
        guard index < count, self[index] != nil else { return nil }
        return try elementwiseTake(index, name)
    }
}

extension Tensor {
    /// Splits a tensor into its shape and storage, handing over the storage's buffer.
    consuming func elementwiseParts() -> (shape: [Int], storage: TensorStorage) {
        let shape = self.shape
        return (shape, self.storage)
    }
}

// MARK: - Unary dispatch

/// A pointwise function applied in place to one array (float and double; narrow floats via Float).
protocol ElementwiseUnaryMap {
    func floats<T: ElementwiseFloat>(_ values: inout [T]) throws
    /// Integer inputs; by default the type is rejected.
    func integers<T: IntegerElement>(_ values: inout [T]) throws
    /// Bool inputs; by default the type is rejected.
    func bools(_ values: inout [Bool]) throws
}

extension ElementwiseUnaryMap {
    func integers<T: IntegerElement>(_ values: inout [T]) throws {
        throw EngineError.invalidInput("type \(T.dataType) is not supported here")
    }
    func bools(_ values: inout [Bool]) throws {
        throw EngineError.invalidInput("type bool is not supported here")
    }

    /// Applies the function to a tensor, reusing its buffer when the tensor is the last holder of it.
    func apply(_ tensor: consuming Tensor) throws -> Tensor {
        let (shape, storage) = tensor.elementwiseParts()
        return Tensor(uncheckedShape: shape, storage: try apply(storage))
    }

    func apply(_ storage: consuming TensorStorage) throws -> TensorStorage {
        switch consume storage {
        case .float32(var a):
            try floats(&a)
            return .float32(a)
        case .float64(var a):
            try floats(&a)
            return .float64(a)
        case .float16(let a):
            var f = a.map { Float($0) }
            try floats(&f)
            return .float16(f.map { Float16($0) })
        case .bfloat16(let a):
            var f = a.map(\.floatValue)
            try floats(&f)
            return .bfloat16(f.map { BFloat16($0) })
        case .int8(var a):
            try integers(&a)
            return .int8(a)
        case .int16(var a):
            try integers(&a)
            return .int16(a)
        case .int32(var a):
            try integers(&a)
            return .int32(a)
        case .int64(var a):
            try integers(&a)
            return .int64(a)
        case .uint8(var a):
            try integers(&a)
            return .uint8(a)
        case .uint16(var a):
            try integers(&a)
            return .uint16(a)
        case .uint32(var a):
            try integers(&a)
            return .uint32(a)
        case .uint64(var a):
            try integers(&a)
            return .uint64(a)
        case .bool(var a):
            try bools(&a)
            return .bool(a)
        case .string:
            throw EngineError.invalidInput("type string is not supported here")
        case .lowPrecision(let s):
            throw EngineError.invalidInput("type \(s.dataType) is not supported here")
        }
    }
}

// MARK: - Binary dispatch

/// A function of two same-typed broadcast arrays producing any storage (same type, or bool).
protocol ElementwiseBinaryMap {
    func floats<T: ElementwiseFloat>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage
    /// Integers; by default the type is rejected.
    func integers<T: IntegerElement>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage
    /// Bools; by default rejected.
    func bools(_ a: [Bool], _ b: [Bool], _ plan: ElementwiseBroadcast) throws -> TensorStorage
    /// Strings; by default rejected.
    func strings(_ a: [String], _ b: [String], _ plan: ElementwiseBroadcast) throws -> TensorStorage
    /// float32 inputs of equal shapes or with one side a single value, computed without a broadcast plan
    /// (see ``ElementwiseKernels/quickBinary(_:_:_:)``); nil (the default) to take the general path.
    func float32Quick(_ a: [Float], _ b: [Float]) -> TensorStorage?
}

extension ElementwiseBinaryMap {
    func integers<T: IntegerElement>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        throw EngineError.invalidInput("type \(T.dataType) is not supported here")
    }
    func bools(_ a: [Bool], _ b: [Bool], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        throw EngineError.invalidInput("type bool is not supported here")
    }
    func strings(_ a: [String], _ b: [String], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        throw EngineError.invalidInput("type string is not supported here")
    }
    func float32Quick(_ a: [Float], _ b: [Float]) -> TensorStorage? { nil }

    /// Narrow floats: computed in Float; a float32 result is narrowed back to `T`.
    func narrow<T: ElementwiseNarrowFloat>(_ a: [T], _ b: [T], _ plan: ElementwiseBroadcast) throws -> TensorStorage {
        let result = try floats(a.map(\.elementwiseWidened), b.map(\.elementwiseWidened), plan)
        if case .float32(let f) = result { return T.wrap(f.map { T($0) }) }
        return result
    }

    /// Broadcasts `a` and `b` and applies the function; the inputs must hold the same element type.
    func apply(_ a: Tensor, _ b: Tensor, _ what: String) throws -> Tensor {
        // Small float tensors of one shape (or against a scalar): planning the broadcast costs more than the loop.
        if case .float32(let x) = a.storage, case .float32(let y) = b.storage, let shape = ElementwiseBroadcast.quickShape(a.shape, b.shape),
            let storage = float32Quick(x, y)
        {
            return Tensor(uncheckedShape: shape, storage: storage)
        }
        guard let plan = ElementwiseBroadcast([a.shape, b.shape]) else {
            throw EngineError.invalidInput("\(what): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let storage: TensorStorage
        switch (a.storage, b.storage) {
        case (.float32(let x), .float32(let y)): storage = try floats(x, y, plan)
        case (.float64(let x), .float64(let y)): storage = try floats(x, y, plan)
        case (.float16(let x), .float16(let y)): storage = try narrow(x, y, plan)
        case (.bfloat16(let x), .bfloat16(let y)): storage = try narrow(x, y, plan)
        case (.int8(let x), .int8(let y)): storage = try integers(x, y, plan)
        case (.int16(let x), .int16(let y)): storage = try integers(x, y, plan)
        case (.int32(let x), .int32(let y)): storage = try integers(x, y, plan)
        case (.int64(let x), .int64(let y)): storage = try integers(x, y, plan)
        case (.uint8(let x), .uint8(let y)): storage = try integers(x, y, plan)
        case (.uint16(let x), .uint16(let y)): storage = try integers(x, y, plan)
        case (.uint32(let x), .uint32(let y)): storage = try integers(x, y, plan)
        case (.uint64(let x), .uint64(let y)): storage = try integers(x, y, plan)
        case (.bool(let x), .bool(let y)): storage = try bools(x, y, plan)
        case (.string(let x), .string(let y)): storage = try strings(x, y, plan)
        default:
            if a.dataType == b.dataType { throw EngineError.invalidInput("\(what): type \(a.dataType) is not supported") }
            throw EngineError.invalidInput("\(what): inputs have types \(a.dataType) and \(b.dataType); they must match")
        }
        return Tensor(uncheckedShape: plan.outputShape, storage: storage)
    }
}

/// Runs a broadcast kernel, turning a plan/array mismatch into an engine error.
func elementwiseBinary<A, B, R>(_ a: [A], _ b: [B], _ plan: ElementwiseBroadcast, _ f: (A, B) -> R) throws -> [R] {
    do {
        return try ElementwiseKernels.binary(a, b, plan, f)
    } catch {
        throw EngineError.runtime("elementwise kernel: \(error)")
    }
}

// MARK: - Legacy broadcasting (opset < 7)

/// Opset 1-6 binary ops broadcast only when `broadcast = 1`, and then align B with A starting at
/// `axis` (suffix-aligned when `axis` is absent); otherwise both shapes must be equal.
struct ElementwiseLegacyBroadcast: Sendable {
    let enabled: Bool
    let axis: Int?

    /// nil for opset 7 and later (numpy broadcasting).
    init?(_ config: OperatorConfiguration) throws {
        guard config.opsetVersion < 7 else { return nil }
        enabled = try config.attributes.int("broadcast", default: 0) != 0
        axis = try config.attributes.int("axis")
    }

    /// B's shape padded with trailing ones so that numpy broadcasting aligns it at `axis`.
    func align<D>(_ b: [D], toRankOf a: [D], one: D, _ what: String) throws -> [D] {
        guard enabled, let axis else { return b }
        let rank = a.count
        let start = axis < 0 ? axis + rank : axis
        guard start >= 0, start + b.count <= rank else {
            throw EngineError.invalidModel("\(what): attribute 'axis' = \(axis) does not fit input B of rank \(b.count) into A of rank \(rank)")
        }
        return b + Array(repeating: one, count: rank - start - b.count)
    }
}

/// The common shape of the binary operators: two inputs A and B of one type, numpy broadcasting
/// (or the legacy form before opset 7).
struct ElementwiseBinaryCore: Sendable {
    let what: String
    let legacy: ElementwiseLegacyBroadcast?

    init(_ config: OperatorConfiguration) throws {
        what = config.opType
        legacy = try ElementwiseLegacyBroadcast(config)
    }

    /// Checks both inputs have one type among `allowed` and returns it with the broadcast shape.
    func prepare(_ inputs: [ValueFact?], allowed: Set<DataType>) throws -> (DataType, [Dim]?) {
        let a = try inputs.fact(0, "A")
        let b = try inputs.fact(1, "B")
        let ta = try inputs.dataType(0, "A")
        let tb = try inputs.dataType(1, "B")
        try requireType(ta, in: allowed, "\(what) input 'A'")
        try ElementwiseFacts.requireSameType([ta, tb], names: ["A", "B"], what)
        var bShape = b.shape
        if let legacy, let shapeA = a.shape, let shapeB = b.shape {
            if !legacy.enabled, let fixedA = a.concreteShape, let fixedB = b.concreteShape, fixedA != fixedB {
                throw EngineError.invalidModel("\(what): shapes \(fixedA) and \(fixedB) must be equal when attribute 'broadcast' is 0")
            }
            bShape = try legacy.align(shapeB, toRankOf: shapeA, one: Dim.fixed(1), what)
        }
        return (ta, try ElementwiseFacts.broadcast([a.shape, bShape], what))
    }

    /// Takes A and B (B aligned for legacy broadcasting).
    func operands(_ inputs: inout [Value?]) throws -> (Tensor, Tensor) {
        let a = try inputs.elementwiseTake(0, "A")
        var b = try inputs.elementwiseTake(1, "B")
        if let legacy {
            let aligned = try legacy.align(b.shape, toRankOf: a.shape, one: 1, what)
            if !legacy.enabled && a.shape != b.shape {
                throw EngineError.invalidInput("\(what): shapes \(a.shape) and \(b.shape) must be equal when attribute 'broadcast' is 0")
            }
            if aligned != b.shape { try b.reshape(aligned) }
        }
        return (a, b)
    }

    func run(_ inputs: consuming [Value?], _ map: some ElementwiseBinaryMap) throws -> [Value] {
        var inputs = inputs
        let (a, b) = try operands(&inputs)
        return [.tensor(try map.apply(a, b, what))]
    }
}
