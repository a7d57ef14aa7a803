import RealModule
import SlipwayTensor

/// A chain of element-wise operators over float32 and bool tensors of one shape, run as one step
/// (built by ``ElementwiseFusionPass``, never by a model). One call replaces many small steps: converters
/// spell formulas as long chains of `Add`/`Mul`/`Max`/`Log`/`Equal`/`Cast` nodes (skl2onnx's isolation forest
/// has 18 per tree), where the per-step cost dwarfs the arithmetic.
///
/// Values live in a register file of float32 rows (bools as 0 and 1): the scalar constants the chain reads,
/// then its inputs, then one row per computed value; each instruction is one loop over the rows. Every
/// instruction computes exactly what the operator it replaces computes on float32 (the same expressions,
/// NaN included), so results are bit-identical. When the inputs' shapes differ at run time (symbolic
/// dimensions that turned out unequal), the original operators run one by one instead.
struct FusedElementwise: Operator {
    enum Code: Sendable {
        case add, sub, mul, div, max, min
        case neg, abs, log, sqrt, reciprocal
        case equal, greater, less, greaterOrEqual, lessOrEqual
        case toBool, not, copy, `where`
    }

    struct Instruction: Sendable {
        var code: Code
        var destination: Int
        var operands: [Int]
    }

    /// Where the original operators read a value from (the fallback path).
    enum Reference: Sendable {
        case input(Int)
        case constant(Value)
        case local(Int)
    }

    struct Original: Sendable {
        var op: any Operator
        var label: String
        var inputs: [Reference?]
        var outputs: [Int?]
    }

    /// Registers `0..<scalars.count` hold these constants.
    let scalars: [Float]
    /// Registers that follow the scalars hold the step's inputs, in order.
    let inputCount: Int
    /// Registers after the inputs, one per computed value.
    let temporaryCount: Int
    let program: [Instruction]
    /// The step's outputs: a register and the data type to hand out.
    let outputs: [(register: Int, dataType: DataType)]
    /// Output facts, inferred by the operators this step replaces.
    let outputFacts: [ValueFact]
    /// The replaced operators (prepared), for inputs whose shapes differ at run time.
    let originals: [Original]
    let localCount: Int
    /// The locals holding the step's outputs on the fallback path.
    let outputLocals: [Int]

    mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact] { outputFacts }

    func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value] {
        var tensors: [Tensor] = []
        tensors.reserveCapacity(inputCount)
        for i in 0..<inputCount {
            guard let tensor = inputs[i]?.tensor else { return try runOriginals(inputs) }
            tensors.append(tensor)
        }
        guard let shape = tensors.first?.shape, tensors.allSatisfy({ $0.shape == shape }) else {
            return try runOriginals(inputs)
        }
        let n = tensors[0].count
        let scalarCount = scalars.count
        var registers = [Float](repeating: 0, count: scalarCount + (inputCount + temporaryCount) * n)
        for (i, value) in scalars.enumerated() { registers[i] = value }
        for (i, tensor) in tensors.enumerated() {
            let base = scalarCount + i * n
            switch tensor.storage {
            case .float32(let values): for j in 0..<n { registers[base + j] = values[j] }
            case .bool(let values): for j in 0..<n { registers[base + j] = values[j] ? 1 : 0 }
            default: return try runOriginals(inputs)
            }
        }
        for instruction in program {
            Self.execute(instruction, &registers, scalarCount: scalarCount, n: n)
        }
        var results: [Value] = []
        results.reserveCapacity(outputs.count)
        for (register, dataType) in outputs {
            let base = register < scalarCount ? register : scalarCount + (register - scalarCount) * n
            let step = register < scalarCount ? 0 : 1
            let storage: TensorStorage
            if dataType == .bool {
                storage = .bool((0..<n).map { registers[base + $0 * step] != 0 })
            } else {
                storage = .float32((0..<n).map { registers[base + $0 * step] })
            }
            results.append(.tensor(Tensor(uncheckedShape: shape, storage: storage)))
        }
        return results
    }

    /// One instruction over `n` elements; scalar registers are read with stride 0.
    static func execute(_ instruction: Instruction, _ r: inout [Float], scalarCount: Int, n: Int) {
        func location(_ register: Int) -> (base: Int, stride: Int) {
            register < scalarCount ? (register, 0) : (scalarCount + (register - scalarCount) * n, 1)
        }
        let d = location(instruction.destination).base
        let ops = instruction.operands
        let (a, sa) = location(ops[0])
        let (b, sb) = ops.count > 1 ? location(ops[1]) : (a, sa)
        switch instruction.code {
        case .add: for i in 0..<n { r[d + i] = r[a + i * sa] + r[b + i * sb] }
        case .sub: for i in 0..<n { r[d + i] = r[a + i * sa] - r[b + i * sb] }
        case .mul: for i in 0..<n { r[d + i] = r[a + i * sa] * r[b + i * sb] }
        case .div: for i in 0..<n { r[d + i] = r[a + i * sa] / r[b + i * sb] }
        case .max:
            for i in 0..<n {
                let x = r[a + i * sa], y = r[b + i * sb]
                r[d + i] = x > y || x.isNaN ? x : y
            }
        case .min:
            for i in 0..<n {
                let x = r[a + i * sa], y = r[b + i * sb]
                r[d + i] = x < y || x.isNaN ? x : y
            }
        case .neg: for i in 0..<n { r[d + i] = -r[a + i * sa] }
        case .abs: for i in 0..<n { r[d + i] = r[a + i * sa].magnitude }
        case .log: for i in 0..<n { r[d + i] = Float.log(r[a + i * sa]) }
        case .sqrt: for i in 0..<n { r[d + i] = r[a + i * sa].squareRoot() }
        case .reciprocal: for i in 0..<n { r[d + i] = 1 / r[a + i * sa] }
        case .equal: for i in 0..<n { r[d + i] = r[a + i * sa] == r[b + i * sb] ? 1 : 0 }
        case .greater: for i in 0..<n { r[d + i] = r[a + i * sa] > r[b + i * sb] ? 1 : 0 }
        case .less: for i in 0..<n { r[d + i] = r[a + i * sa] < r[b + i * sb] ? 1 : 0 }
        case .greaterOrEqual: for i in 0..<n { r[d + i] = r[a + i * sa] >= r[b + i * sb] ? 1 : 0 }
        case .lessOrEqual: for i in 0..<n { r[d + i] = r[a + i * sa] <= r[b + i * sb] ? 1 : 0 }
        case .toBool: for i in 0..<n { r[d + i] = r[a + i * sa] != 0 ? 1 : 0 }
        case .not: for i in 0..<n { r[d + i] = r[a + i * sa] != 0 ? 0 : 1 }
        case .copy: for i in 0..<n { r[d + i] = r[a + i * sa] }
        case .where:
            let (c, sc) = location(ops[2])
            for i in 0..<n { r[d + i] = r[a + i * sa] != 0 ? r[b + i * sb] : r[c + i * sc] }
        }
    }

    /// The replaced operators one by one (inputs of different shapes or types at run time).
    func runOriginals(_ inputs: [Value?]) throws -> [Value] {
        var locals = [Value?](repeating: nil, count: localCount)
        for original in originals {
            let args: [Value?] = original.inputs.map { reference in
                switch reference {
                case nil: nil
                case .input(let i): i < inputs.count ? inputs[i] : nil
                case .constant(let value): value
                case .local(let j): locals[j]
                }
            }
            let results: [Value]
            do {
                results = try original.op.run(args, context: RunContext())
            } catch let error as EngineError {
                throw error.prefixed(original.label)
            }
            for (slot, value) in zip(original.outputs, results) {
                if let slot { locals[slot] = value }
            }
        }
        return try outputLocals.map { local in
            guard let value = locals[local] else { throw EngineError.runtime("fused element-wise step: an output was not computed") }
            return value
        }
    }
}
