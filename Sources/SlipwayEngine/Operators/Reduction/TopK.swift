import SlipwayTensor

/// ONNX `TopK`: the `k` largest (or, with `largest = 0`, smallest) elements along `axis` (default -1) and
/// their int64 indices, best first. Equal values keep index order: the lower index comes first.
///
/// `k` is an attribute in opset 1 and a one-element int64 input from opset 10; `largest` and `sorted`
/// exist from opset 11 (results are always sorted, which `sorted = 0` allows).
public struct TopK: Operator {
    let kAttribute: Int?
    let axis: Int
    let largest: Bool

    public init(_ config: OperatorConfiguration) throws {
        let a = config.attributes
        if config.opsetVersion < 10 {
            guard let k = try a.int("k") else { throw EngineError.invalidModel("TopK-\(config.opsetVersion) needs the attribute 'k'") }
            guard k >= 0 else { throw EngineError.invalidModel("TopK: attribute 'k' must not be negative, got \(k)") }
            kAttribute = k
        } else {
            kAttribute = nil
        }
        axis = try a.int("axis", default: -1)
        let largestFlag = try a.int("largest", default: 1)
        largest = config.opsetVersion < 11 || largestFlag != 0
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        let x = try inputs.fact(0, "X")
        let dataType = try inputs.dataType(0, "X")
        try requireType(dataType, in: .numeric, "TopK input 'X'")
        var k: Int? = kAttribute
        if kAttribute == nil {
            let kFact = try inputs.fact(1, "K")
            try requireType(try inputs.dataType(1, "K"), in: [.int64], "TopK input 'K'")
            if let constant = kFact.constantTensor { k = try Self.kValue(constant, error: EngineError.invalidModel) }
        }
        guard var shape = x.shape else {
            return [ValueFact(dataType, shape: nil), ValueFact(.int64, shape: nil)]
        }
        guard let axis = Shape.normalizeAxis(axis, rank: shape.count) else {
            throw EngineError.invalidModel("TopK: axis \(self.axis) is out of range for an input of rank \(shape.count)")
        }
        if let k, case .fixed(let n) = shape[axis], k > n {
            throw EngineError.invalidModel("TopK: k = \(k) exceeds \(n), the size of axis \(self.axis)")
        }
        shape[axis] = k.map { .fixed($0) } ?? .unknown
        return [ValueFact(dataType, shape: shape), ValueFact(.int64, shape: shape)]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let x = try inputs.tensor(0, "X")
        let k: Int
        if let kAttribute {
            k = kAttribute
        } else {
            k = try Self.kValue(try inputs.tensor(1, "K"), error: EngineError.invalidInput)
        }
        guard let axis = Shape.normalizeAxis(axis, rank: x.rank) else {
            throw EngineError.invalidInput("TopK: axis \(self.axis) is out of range for an input of rank \(x.rank)")
        }
        let (outer, n, inner) = reductionAxisSplit(x.shape, axis: axis)
        guard k <= n else { throw EngineError.invalidInput("TopK: k = \(k) exceeds \(n), the size of axis \(self.axis) of shape \(x.shape)") }
        let selection = try TopKKernel.select(x.storage, outer: outer, n: n, inner: inner, k: k, largest: largest)
        var shape = x.shape
        shape[axis] = k
        return [
            .tensor(x.gathering(offsets: selection.offsets, shape: shape)),
            .tensor(try Tensor(shape: shape, storage: .int64(selection.indices))),
        ]
    }

    static func kValue(_ tensor: Tensor, error: (String) -> EngineError) throws -> Int {
        guard let values = tensor.integers(), values.count == 1, let k = values.first else {
            throw error("TopK: input 'K' must hold exactly one integer, got \(tensor)")
        }
        guard k >= 0 else { throw error("TopK: k must not be negative, got \(k)") }
        return k
    }
}
