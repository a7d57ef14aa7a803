import RealModule
import SlipwayTensor

/// The element types NN kernels compute in: `Float` (for float32, float16 and bfloat16 tensors) and `Double`.
protocol NNReal: BinaryFloatingPoint, Real, NumericElement, SIMDScalar {
    /// `C += A · B` with this type's GEMM kernel.
    static func nnMultiplyAdd(
        a: [Self], _ aLayout: GEMMLayout, b: [Self], _ bLayout: GEMMLayout, m: Int, n: Int, k: Int,
        into c: inout [Self], offset: Int, ldc: Int) throws
}

extension Float: NNReal {
    static func nnMultiplyAdd(
        a: [Float], _ aLayout: GEMMLayout, b: [Float], _ bLayout: GEMMLayout, m: Int, n: Int, k: Int,
        into c: inout [Float], offset: Int, ldc: Int
    ) throws {
        try SGEMM.multiplyAdd(a: a, aLayout, b: b, bLayout, m: m, n: n, k: k, into: &c, offset: offset, ldc: ldc)
    }
}

extension Double: NNReal {
    static func nnMultiplyAdd(
        a: [Double], _ aLayout: GEMMLayout, b: [Double], _ bLayout: GEMMLayout, m: Int, n: Int, k: Int,
        into c: inout [Double], offset: Int, ldc: Int
    ) throws {
        try DGEMM.multiplyAdd(a: a, aLayout, b: b, bLayout, m: m, n: n, k: k, into: &c, offset: offset, ldc: ldc)
    }
}

/// A computation written once, generically, and run in `Float` or `Double` depending on the tensor type.
protocol NNFloatComputation {
    func compute<T: NNReal>(_ type: T.Type) throws -> [T]
}

enum NNFloat {
    /// Runs `computation` in Double for float64, in Float otherwise, and stores the result as `dataType`.
    static func run<C: NNFloatComputation>(_ computation: C, as dataType: DataType) throws -> TensorStorage {
        if dataType == .float64 { return storage(try computation.compute(Double.self), as: dataType) }
        return storage(try computation.compute(Float.self), as: dataType)
    }

    /// The tensor's elements converted to `T` (no copy when the storage already holds `T`).
    static func values<T: NNReal>(_ tensor: Tensor, as type: T.Type = T.self) throws -> [T] {
        if let direct = tensor.elements(as: T.self) { return direct }
        if T.self == Double.self, let doubles = tensor.doubles() { return doubles.map { T($0) } }
        guard let floats = tensor.floats() else {
            throw EngineError.invalidInput("expected a numeric tensor, got \(tensor.dataType)")
        }
        return floats.map { T($0) }
    }

    /// Stores `values` as `dataType` (a floating-point type), converting when needed.
    static func storage<T: NNReal>(_ values: [T], as dataType: DataType) -> TensorStorage {
        if T.dataType == dataType { return T.wrap(values) }
        switch dataType {
        case .float64: return .float64(values.map { Double($0) })
        case .float16: return .float16(values.map { Float16(Float($0)) })
        case .bfloat16: return .bfloat16(values.map { BFloat16(Float($0)) })
        default: return .float32(values.map { Float($0) })
        }
    }
}

/// Shape helpers shared by the NN operators.
enum NNShape {
    /// Requires a known rank of at least `minimum` (when the rank is known); returns the shape or nil.
    static func requireRank(_ fact: ValueFact, atLeast minimum: Int, _ what: String) throws -> [Dim]? {
        guard let shape = fact.shape else { return nil }
        guard shape.count >= minimum else {
            throw EngineError.invalidModel("\(what) must have rank >= \(minimum), got shape \(Plan.shapeText(shape))")
        }
        return shape
    }

    /// The product of `dims`, or nil when one is not known.
    static func product(_ dims: ArraySlice<Dim>) -> Int? {
        var total = 1
        for d in dims {
            guard let v = d.value else { return nil }
            total *= v
        }
        return total
    }

    /// Throws unless every element count of the tensor is consistent with its shape (defensive).
    static func product(_ dims: ArraySlice<Int>) -> Int { dims.reduce(1, *) }
}

extension Set where Element == DataType {
    /// float32, float64, float16, bfloat16.
    static let nnFloat: Set<DataType> = [.float32, .float64, .float16, .bfloat16]
    /// float32, float64, float16 (the types of ops that do not list bfloat16).
    static let nnFloatNoBF16: Set<DataType> = [.float32, .float64, .float16]
}
