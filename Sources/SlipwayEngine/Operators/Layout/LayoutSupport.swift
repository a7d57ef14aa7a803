import SlipwayTensor

/// Small helpers shared by the tensor-layout operators (shape, axes and index inputs).
enum LayoutSupport {
    /// The most elements a layout operator will create in one tensor (a larger request is refused, not attempted).
    static let maximumElements = LayoutStridedCopy.maximumElements

    /// The element count of `shape`, or an `invalidInput` error when it is negative, overflows or exceeds the cap.
    static func checkedCount(_ shape: [Int], op: String) throws -> Int {
        guard let count = Shape.elementCount(shape), count <= maximumElements else {
            throw EngineError.invalidInput("\(op): the result shape \(shape) is invalid or too large")
        }
        return count
    }

    /// The integer index types ONNX allows for shape, axes, pads and index inputs.
    static let indexTypes: Set<DataType> = [.int32, .int64]

    /// The values of an integer tensor input at run time.
    static func integers(_ tensor: Tensor, _ what: String) throws -> [Int] {
        guard let values = tensor.integers() else {
            throw EngineError.invalidInput("\(what) must be an integer tensor, got \(tensor.dataType)")
        }
        return values
    }

    /// The values of an integer input known at load time (an initializer or folded constant), else nil.
    static func constantIntegers(_ fact: ValueFact?) -> [Int]? {
        fact?.constantTensor?.integers()
    }

    /// Checks the type of an integer input at load time.
    static func requireIndexType(_ facts: [ValueFact?], _ index: Int, _ name: String, op: String) throws {
        guard let fact = facts.optionalFact(index) else { return }
        guard let dataType = fact.dataType else {
            throw EngineError.invalidModel("\(op): input '\(name)' must be a tensor, got \(fact.type)")
        }
        try requireType(dataType, in: indexTypes, "\(op): input '\(name)'")
    }

    /// Normalises axes for a tensor of `rank`, rejecting out-of-range and repeated axes.
    static func normalizeAxes(_ axes: [Int], rank: Int, op: String, code: EngineError.Code = .invalidModel) throws -> [Int] {
        var seen = Set<Int>()
        var result: [Int] = []
        for axis in axes {
            guard let a = Shape.normalizeAxis(axis, rank: rank) else {
                throw EngineError(code, "\(op): axis \(axis) is out of range for rank \(rank)")
            }
            guard seen.insert(a).inserted else {
                throw EngineError(code, "\(op): axis \(axis) is repeated in \(axes)")
            }
            result.append(a)
        }
        return result
    }

    /// Normalises one axis attribute.
    static func normalizeAxis(_ axis: Int, rank: Int, op: String, code: EngineError.Code = .invalidModel) throws -> Int {
        guard let a = Shape.normalizeAxis(axis, rank: rank) else {
            throw EngineError(code, "\(op): axis \(axis) is out of range for rank \(rank)")
        }
        return a
    }

    /// Fixed dims for a concrete shape.
    static func dims(_ shape: [Int]) -> [Dim] { shape.map { .fixed($0) } }

    /// The product of dims when all are fixed, else `.unknown` (a single dim passes through unchanged).
    static func product(_ dims: ArraySlice<Dim>) -> Dim {
        if dims.count == 1, let only = dims.first { return only }
        var total = 1
        for d in dims {
            guard let v = d.value else { return .unknown }
            let (p, overflow) = total.multipliedReportingOverflow(by: v)
            if overflow { return .unknown }
            total = p
        }
        return .fixed(total)
    }

    /// Merges two facts about the same dimension (fixed wins over symbol wins over unknown).
    static func merge(_ a: Dim, _ b: Dim) -> Dim {
        switch (a, b) {
        case (.fixed, _): a
        case (_, .fixed): b
        case (.symbol, _): a
        default: b
        }
    }

    /// The data type of a required tensor input, checked against `allowed`.
    static func dataType(_ facts: [ValueFact?], _ index: Int, _ name: String, op: String, allowed: Set<DataType> = .all) throws -> DataType {
        let dataType = try facts.dataType(index, name)
        try requireType(dataType, in: allowed, "\(op): input '\(name)'")
        return dataType
    }

    /// Every type a tensor may have (layout operators move elements without looking at them).
    static let anyType: Set<DataType> = .all

    /// The floating-point value of a scalar-ish input (first element), for ratios, depths and pad values.
    static func firstDouble(_ tensor: Tensor, _ what: String) throws -> Double {
        guard let values = tensor.doubles(), let first = values.first else {
            throw EngineError.invalidInput("\(what) must be a non-empty numeric tensor, got \(tensor)")
        }
        return first
    }
}

extension LayoutSupport {
    /// `count` copies of the first element of `value` (a one-element tensor), as storage of its type.
    static func repeated(_ value: Tensor, count: Int) throws -> TensorStorage {
        switch value.storage {
        case .float32(let a): .float32(try fill(a, count))
        case .float64(let a): .float64(try fill(a, count))
        case .float16(let a): .float16(try fill(a, count))
        case .bfloat16(let a): .bfloat16(try fill(a, count))
        case .int8(let a): .int8(try fill(a, count))
        case .int16(let a): .int16(try fill(a, count))
        case .int32(let a): .int32(try fill(a, count))
        case .int64(let a): .int64(try fill(a, count))
        case .uint8(let a): .uint8(try fill(a, count))
        case .uint16(let a): .uint16(try fill(a, count))
        case .uint32(let a): .uint32(try fill(a, count))
        case .uint64(let a): .uint64(try fill(a, count))
        case .bool(let a): .bool(try fill(a, count))
        case .string(let a): .string(try fill(a, count))
        case .lowPrecision(let s): .lowPrecision(s.withCodes(try fill(s.codes, count)))
        }
    }

    private static func fill<T>(_ a: [T], _ count: Int) throws -> [T] {
        guard let first = a.first else { throw EngineError.invalidInput("the fill value is an empty tensor") }
        return Array(repeating: first, count: count)
    }

    /// A one-element tensor of `dataType` holding `value` (the empty string for strings).
    static func scalar(_ value: Double, as dataType: DataType) throws -> Tensor {
        if dataType == .string { return Tensor(scalar: "") }
        do {
            return try Tensor.fromDoubles([value], shape: [], as: dataType)
        } catch {
            throw EngineError.invalidModel("cannot make a \(dataType) value from \(value): \(error)")
        }
    }
}
