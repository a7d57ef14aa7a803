import SlipwayTensor

// Shared by the sequence and optional operators.

/// Type checks and value access for sequence operators.
enum SequenceSupport {
    /// The tensor element type of a `seq(tensor(T))` input.
    static func elementType(_ fact: ValueFact, _ what: String) throws -> DataType {
        guard case .sequence(let element) = fact.type else {
            throw EngineError.invalidModel("\(what) must be a sequence, got \(fact.type)")
        }
        guard case .tensor(let d) = element else {
            throw EngineError.invalidModel("\(what) must be a sequence of tensors, got \(fact.type)")
        }
        return d
    }

    /// The sequence held by a run-time input.
    static func sequence(_ inputs: [Value?], _ index: Int, _ what: String) throws -> SequenceValue {
        guard index < inputs.count, let value = inputs[index] else {
            throw EngineError.invalidInput("input \(index) '\(what)' is required")
        }
        guard case .sequence(let s) = value else {
            throw EngineError.invalidInput("input \(index) '\(what)' must be a sequence, got \(value.type)")
        }
        return s
    }

    /// Throws unless an optional position input is an int32/int64 tensor.
    static func checkPosition(_ fact: ValueFact?) throws {
        guard let fact else { return }
        guard let d = fact.dataType, d == .int32 || d == .int64 else {
            throw EngineError.invalidModel("input 'position' has type \(fact.type), expected tensor(int32) or tensor(int64)")
        }
        if let shape = fact.concreteShape, shape.reduce(1, *) != 1 {
            throw EngineError.invalidModel("input 'position' must be a scalar, its shape is \(shape)")
        }
    }

    /// A position in `-count...upper` (upper is `count` for inserting, `count - 1` otherwise), made non-negative.
    static func position(_ tensor: Tensor, count: Int, upper: Int) throws -> Int {
        guard tensor.count == 1, let p = tensor.integers()?.first else {
            throw EngineError.invalidInput("input 'position' must be a single integer, got \(tensor)")
        }
        guard p >= -count, p <= upper else {
            throw EngineError.invalidInput("position \(p) is out of range [\(-count), \(upper)] for a sequence of \(count) tensors")
        }
        return p < 0 ? p + count : p
    }

    /// The element type for an ONNX `TensorProto.DataType` code (as in `SequenceEmpty`'s `dtype`).
    static func dataType(onnxCode code: Int) -> DataType? {
        switch code {
        case 1: .float32
        case 2: .uint8
        case 3: .int8
        case 4: .uint16
        case 5: .int16
        case 6: .int32
        case 7: .int64
        case 8: .string
        case 9: .bool
        case 10: .float16
        case 11: .float64
        case 12: .uint32
        case 13: .uint64
        case 16: .bfloat16
        default: nil
        }
    }
}
