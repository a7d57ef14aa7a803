import SlipwayTensor

/// ONNX `Einsum`: the Einstein summation described by `equation` (`"bij,bjk->bik"`, `"ii"`, `"...ij->...ji"`).
///
/// Supports any number of operands, explicit and implicit outputs (implicit: broadcast `...` axes, then
/// the letters used exactly once, in ASCII order), `...` broadcasting, and letters repeated within one
/// operand (diagonals and traces). Size-1 axes broadcast against their label's size. Axes an input's
/// `...` covers are summed when an explicit output leaves `...` out.
///
/// Evaluation: each operand first takes its diagonals and sums away the letters no one else needs; the
/// operands are then contracted left to right, each pair as a batched matrix product (batch letters ×
/// free letters of each side × summed letters); the result is transposed into the output order.
public struct Einsum: Operator {
    let equation: EinsumEquation

    public init(_ config: OperatorConfiguration) throws {
        guard config.opsetVersion >= 12 else {
            throw EngineError(.unsupportedOperator, "Einsum does not exist before opset 12 (model imports \(config.opsetVersion))")
        }
        guard let text = try config.attributes.string("equation") else {
            throw EngineError.invalidModel("Einsum needs the attribute 'equation'")
        }
        equation = try EinsumEquation(parsing: text)
        guard equation.inputs.count == config.inputCount else {
            throw EngineError.invalidModel(
                "Einsum: equation '\(text)' has \(equation.inputs.count) operands but the node has \(config.inputCount) inputs")
        }
    }

    public func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] {
        guard inputs.count >= equation.inputs.count else {
            throw EngineError.invalidModel("Einsum: equation '\(equation.text)' needs \(equation.inputs.count) inputs, got \(inputs.count)")
        }
        let dataType = try inputs.dataType(0, "Inputs")
        try requireType(dataType, in: .numeric, "Einsum input 0")
        var shapes: [[Dim]] = []
        var allKnown = true
        for i in 0..<equation.inputs.count {
            let fact = try inputs.fact(i)
            let other = try inputs.dataType(i)
            guard other == dataType else {
                throw EngineError.invalidModel("Einsum: input \(i) has type \(other) but input 0 has \(dataType); all must match")
            }
            if let shape = fact.shape { shapes.append(shape) } else { allKnown = false }
        }
        guard allKnown else { return [ValueFact(dataType, shape: nil)] }
        let labels = try equation.labels(ranks: shapes.map(\.count), error: EngineError.invalidModel)
        var dims: [Int: Dim] = [:]
        for (shape, operandLabels) in zip(shapes, labels.inputs) {
            for (d, label) in zip(shape, operandLabels) {
                switch (dims[label], d) {
                case (nil, _), (.fixed(1)?, _): dims[label] = d
                case (.fixed(let a)?, .fixed(let b)) where a != b && b != 1:
                    throw EngineError.invalidModel(
                        "Einsum: label '\(EinsumEquation.name(label))' has sizes \(a) and \(b) in equation '\(equation.text)'")
                case (.symbol?, .fixed(let b)) where b != 1: dims[label] = d
                case (.unknown?, .fixed(let b)) where b != 1: dims[label] = d
                default: break
                }
            }
        }
        return [ValueFact(dataType, shape: labels.output.map { dims[$0] ?? .unknown })]
    }

    public func run(_ inputs: [Value?], context: RunContext) throws -> [Value] {
        let tensors = try (0..<equation.inputs.count).map { try inputs.tensor($0) }
        guard let first = tensors.first else { throw EngineError.invalidInput("Einsum needs at least one input") }
        for (i, t) in tensors.enumerated() where t.dataType != first.dataType {
            throw EngineError.invalidInput("Einsum: input \(i) has type \(t.dataType) but input 0 has \(first.dataType)")
        }
        let labels = try equation.labels(ranks: tensors.map(\.rank), error: EngineError.invalidInput)
        let evaluation = EinsumEvaluation(tensors: tensors, inputLabels: labels.inputs, outputLabels: labels.output)
        return [.tensor(try evaluation.run())]
    }
}

/// A parsed Einsum equation. Letters `A`-`Z` are labels 0-25 and `a`-`z` 26-51 (so label order is ASCII
/// order); the axes an ellipsis stands for get labels 52, 53, ... aligned from the right.
struct EinsumEquation: Sendable {
    struct Term: Sendable {
        var before: [Int] = []
        var hasEllipsis = false
        var after: [Int] = []
    }

    static let ellipsisBase = 52

    let text: String
    let inputs: [Term]
    /// nil for an implicit output (no `->`).
    let output: Term?

    init(parsing text: String) throws(EngineError) {
        self.text = text
        // Split "lhs->rhs" by hand (no Foundation in the engine).
        var sides: [String] = [""]
        var previous: Character? = nil
        for c in text where !c.isWhitespace {
            if c == ">", previous == "-" {
                sides[sides.count - 1].removeLast()
                sides.append("")
            } else {
                sides[sides.count - 1].append(c)
            }
            previous = c
        }
        guard sides.count <= 2 else { throw EngineError.invalidModel("Einsum: equation '\(text)' has more than one '->'") }
        var terms: [Term] = []
        for part in sides[0].split(separator: ",", omittingEmptySubsequences: false) {
            terms.append(try Self.parseTerm(part, equation: text))
        }
        inputs = terms
        if sides.count == 2 {
            output = try Self.parseTerm(Substring(sides[1]), equation: text)
        } else {
            output = nil
        }
        if let output {
            let letters = output.before + output.after
            guard Set(letters).count == letters.count else {
                throw EngineError.invalidModel("Einsum: the output of '\(text)' repeats a letter")
            }
            let used = Set(inputs.flatMap { $0.before + $0.after })
            for label in letters where !used.contains(label) {
                throw EngineError.invalidModel("Einsum: output letter '\(Self.name(label))' of '\(text)' appears in no input")
            }
            if output.hasEllipsis, !inputs.contains(where: \.hasEllipsis) {
                throw EngineError.invalidModel("Einsum: the output of '\(text)' has '...' but no input does")
            }
        }
    }

    static func parseTerm(_ term: Substring, equation: String) throws(EngineError) -> Term {
        var result = Term()
        let chars = Array(term)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "." {
                guard i + 2 < chars.count, chars[i + 1] == ".", chars[i + 2] == ".", !result.hasEllipsis else {
                    throw EngineError.invalidModel("Einsum: malformed '...' in term '\(term)' of '\(equation)'")
                }
                result.hasEllipsis = true
                i += 3
                continue
            }
            guard let label = label(c) else {
                throw EngineError.invalidModel("Einsum: '\(c)' in term '\(term)' of '\(equation)' is not a letter")
            }
            if result.hasEllipsis { result.after.append(label) } else { result.before.append(label) }
            i += 1
        }
        return result
    }

    static func label(_ c: Character) -> Int? {
        guard let ascii = c.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(ascii - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return 26 + Int(ascii - UInt8(ascii: "a"))
        default: return nil
        }
    }

    static func name(_ label: Int) -> String {
        if label < 26 { return String(UnicodeScalar(UInt8(65 + label))) }
        if label < ellipsisBase { return String(UnicodeScalar(UInt8(97 + label - 26))) }
        return "...[\(label - ellipsisBase)]"
    }

    /// The labels of every input axis and of every output axis, given the inputs' ranks.
    func labels(ranks: [Int], error: (String) -> EngineError) throws -> (inputs: [[Int]], output: [Int]) {
        guard ranks.count == inputs.count else {
            throw error("Einsum: equation '\(text)' has \(inputs.count) operands, got \(ranks.count) inputs")
        }
        var ellipsisRanks: [Int] = []
        for (i, (term, rank)) in zip(inputs, ranks).enumerated() {
            let letters = term.before.count + term.after.count
            if term.hasEllipsis {
                guard rank >= letters else {
                    throw error("Einsum: input \(i) has rank \(rank), fewer than the \(letters) letters of its term in '\(text)'")
                }
                ellipsisRanks.append(rank - letters)
            } else {
                guard rank == letters else {
                    throw error("Einsum: input \(i) has rank \(rank) but its term in '\(text)' has \(letters) letters")
                }
                ellipsisRanks.append(0)
            }
        }
        let broadcastRank = ellipsisRanks.max() ?? 0
        let inputLabels = zip(inputs, ellipsisRanks).map { term, e in
            term.before + (0..<e).map { Self.ellipsisBase + broadcastRank - e + $0 } + term.after
        }
        let ellipsisLabels = (0..<broadcastRank).map { Self.ellipsisBase + $0 }
        if let output {
            return (inputLabels, output.before + (output.hasEllipsis ? ellipsisLabels : []) + output.after)
        }
        var counts: [Int: Int] = [:]
        for labels in inputLabels { for l in labels where l < Self.ellipsisBase { counts[l, default: 0] += 1 } }
        return (inputLabels, ellipsisLabels + counts.filter { $0.value == 1 }.keys.sorted())
    }
}

/// One Einsum operand during evaluation: contiguous values and a label per axis.
struct EinsumOperand {
    var storage: TensorStorage
    var labels: [Int]
    var shape: [Int]
}

/// Evaluates an Einsum on concrete inputs (float16/bfloat16 computed in float32).
struct EinsumEvaluation {
    let tensors: [Tensor]
    let inputLabels: [[Int]]
    let outputLabels: [Int]

    func run() throws -> Tensor {
        guard let dataType = tensors.first?.dataType else { throw EngineError.invalidInput("Einsum needs at least one input") }
        // Every label's size: equal everywhere, or 1 (broadcast).
        var sizes: [Int: Int] = [:]
        for (t, labels) in zip(tensors, inputLabels) {
            for (d, label) in zip(t.shape, labels) {
                if let known = sizes[label], known != d {
                    guard known == 1 || d == 1 else {
                        throw EngineError.invalidInput(
                            "Einsum: label '\(EinsumEquation.name(label))' has sizes \(known) and \(d) (shapes \(tensors.map(\.shape)))")
                    }
                    sizes[label] = max(known, d)
                } else {
                    sizes[label] = d
                }
            }
        }
        var operands: [EinsumOperand] = []
        for (t, labels) in zip(tensors, inputLabels) {
            operands.append(try diagonal(EinsumOperand(storage: Self.widened(t.storage), labels: labels, shape: t.shape)))
        }
        let wanted = Set(outputLabels)
        // Sum away the labels only one operand has and the output does not keep.
        for i in operands.indices {
            let elsewhere = Set(operands.indices.filter { $0 != i }.flatMap { operands[$0].labels }).union(wanted)
            operands[i] = try sumOut(operands[i], labels: Set(operands[i].labels.filter { !elsewhere.contains($0) }))
        }
        var result = operands[0]
        for i in 1..<max(operands.count, 1) {
            let keep = wanted.union(operands[(i + 1)...].flatMap(\.labels))
            result = try contract(result, operands[i], keep: keep)
        }
        // Transpose into the output order.
        let strides = Shape.strides(result.shape)
        var outSizes: [Int] = []
        var outStrides: [Int] = []
        for label in outputLabels {
            guard let axis = result.labels.firstIndex(of: label) else {
                throw EngineError.runtime("Einsum: output label '\(EinsumEquation.name(label))' was lost during evaluation")
            }
            outSizes.append(result.shape[axis])
            outStrides.append(strides[axis])
        }
        let values = try ReductionGather.gather(result.storage, sizes: outSizes, strides: outStrides)
        return try Tensor(shape: outSizes, storage: Self.narrowed(values, to: dataType))
    }

    /// float16/bfloat16 as float32 (the multiply kernel's compute type); other storage unchanged.
    static func widened(_ storage: TensorStorage) -> TensorStorage {
        switch storage {
        case .float16(let a): .float32(a.map { Float($0) })
        case .bfloat16(let a): .float32(a.map(\.floatValue))
        default: storage
        }
    }

    /// Rounds float32 results back to float16/bfloat16 when the inputs were.
    static func narrowed(_ storage: TensorStorage, to dataType: DataType) -> TensorStorage {
        switch (storage, dataType) {
        case (.float32(let a), .float16): .float16(a.map { Float16($0) })
        case (.float32(let a), .bfloat16): .bfloat16(a.map { BFloat16($0) })
        default: storage
        }
    }

    /// Takes the diagonal over every letter repeated within the operand, leaving each label once.
    func diagonal(_ operand: EinsumOperand) throws -> EinsumOperand {
        guard Set(operand.labels).count < operand.labels.count else { return operand }
        let strides = Shape.strides(operand.shape)
        var labels: [Int] = []
        var sizes: [Int] = []
        var viewStrides: [Int] = []
        for (axis, label) in operand.labels.enumerated() {
            if let existing = labels.firstIndex(of: label) {
                guard sizes[existing] == operand.shape[axis] else {
                    throw EngineError.invalidInput(
                        "Einsum: repeated label '\(EinsumEquation.name(label))' has sizes \(sizes[existing]) and \(operand.shape[axis]) in one input")
                }
                viewStrides[existing] += strides[axis]
            } else {
                labels.append(label)
                sizes.append(operand.shape[axis])
                viewStrides.append(strides[axis])
            }
        }
        let storage = try ReductionGather.gather(operand.storage, sizes: sizes, strides: viewStrides)
        return EinsumOperand(storage: storage, labels: labels, shape: sizes)
    }

    /// Sums the operand over `labels`.
    func sumOut(_ operand: EinsumOperand, labels: Set<Int>) throws -> EinsumOperand {
        guard !labels.isEmpty else { return operand }
        let axes = Set(operand.labels.indices.filter { labels.contains(operand.labels[$0]) })
        let layout = ReductionLayout(shape: operand.shape, axes: axes)
        let storage = try ReductionKernels.reduce(operand.storage, layout, kind: .sum)
        let kept = operand.labels.indices.filter { !axes.contains($0) }
        return EinsumOperand(storage: storage, labels: kept.map { operand.labels[$0] }, shape: kept.map { operand.shape[$0] })
    }

    /// Contracts two operands over their shared labels that `keep` does not hold, as a batched matmul
    /// `[batch, left, summed] × [batch, summed, right]`.
    func contract(_ lhs: EinsumOperand, _ rhs: EinsumOperand, keep: Set<Int>) throws -> EinsumOperand {
        let a = try sumOut(lhs, labels: Set(lhs.labels.filter { !rhs.labels.contains($0) && !keep.contains($0) }))
        let b = try sumOut(rhs, labels: Set(rhs.labels.filter { !lhs.labels.contains($0) && !keep.contains($0) }))
        let batch = a.labels.filter { b.labels.contains($0) && keep.contains($0) }
        let summed = a.labels.filter { b.labels.contains($0) && !keep.contains($0) }
        let left = a.labels.filter { !b.labels.contains($0) }
        let right = b.labels.filter { !a.labels.contains($0) }
        func size(_ label: Int) -> Int {
            let sa = a.labels.firstIndex(of: label).map { a.shape[$0] } ?? 1
            let sb = b.labels.firstIndex(of: label).map { b.shape[$0] } ?? 1
            return max(sa, sb)
        }
        func view(_ operand: EinsumOperand, _ order: [Int]) throws -> TensorStorage {
            let strides = Shape.strides(operand.shape)
            let viewStrides = order.map { label -> Int in
                guard let axis = operand.labels.firstIndex(of: label), operand.shape[axis] != 1 else { return 0 }
                return strides[axis]
            }
            return try ReductionGather.gather(operand.storage, sizes: order.map(size), strides: viewStrides)
        }
        let product = try ReductionKernels.batchedMatMul(
            try view(a, batch + left + summed), try view(b, batch + summed + right),
            batch: batch.map(size).reduce(1, *), m: left.map(size).reduce(1, *), k: summed.map(size).reduce(1, *),
            n: right.map(size).reduce(1, *))
        let labels = batch + left + right
        return EinsumOperand(storage: product, labels: labels, shape: labels.map(size))
    }
}
