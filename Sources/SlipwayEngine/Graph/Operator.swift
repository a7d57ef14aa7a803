public import SlipwayTensor

/// An executable operator: it checks and infers its outputs once, when a model is loaded, then runs
/// many times, from many threads at once, on concrete values.
///
/// Operators are immutable values once prepared. `prepare` is the only place they may precompute
/// (packed weights, compiled subgraphs); it must throw for anything that would make `run` fail on
/// every input (wrong input types, bad attributes), so bad models fail at load.
public protocol Operator: Sendable {
    /// Checks the inputs' facts and returns one fact per declared output.
    ///
    /// - Parameters:
    ///   - inputs: one fact per input: the node's explicit inputs (nil for an omitted optional input),
    ///     then the values its subgraphs capture from the enclosing graph (`context.capturedNames`).
    mutating func prepare(_ inputs: [ValueFact?], context: PrepareContext) throws -> [ValueFact]

    /// Computes the outputs (one per declared output; an unused optional output may be any value).
    ///
    /// `inputs` is handed over (`consuming`): the plan drops its own reference to a value at its last use,
    /// so an operator that moves a tensor out of `inputs` may hold its buffer uniquely and overwrite it
    /// in place. Implementations may declare the parameter without `consuming`; they then just borrow it.
    func run(_ inputs: consuming [Value?], context: RunContext) throws -> [Value]

    /// False for operators whose result is not a function of their inputs (random ops, training Dropout):
    /// they are never constant-folded.
    var isDeterministic: Bool { get }
}

extension Operator {
    public var isDeterministic: Bool { true }
}

/// What `prepare` knows about the node being prepared.
public struct PrepareContext: Sendable {
    /// `node "name" (Op)`, for error messages.
    public var nodeLabel: String
    /// How many outputs the node declares (optional outputs included).
    public var outputCount: Int
    /// Which declared outputs the model actually uses (non-empty names).
    public var outputsUsed: [Bool]
    /// How many of the inputs are the node's explicit inputs; the rest are captured values.
    public var explicitInputCount: Int
    /// Names of the captured values, in the order they follow the explicit inputs.
    public var capturedNames: [String]
    /// Compiles a subgraph given facts for its formal inputs and for the captured names.
    public var compileSubgraph: @Sendable (Graph, [ValueFact?], [String: ValueFact]) throws -> Plan

    public init(
        nodeLabel: String, outputCount: Int, outputsUsed: [Bool], explicitInputCount: Int, capturedNames: [String],
        compileSubgraph: @escaping @Sendable (Graph, [ValueFact?], [String: ValueFact]) throws -> Plan
    ) {
        self.nodeLabel = nodeLabel
        self.outputCount = outputCount
        self.outputsUsed = outputsUsed
        self.explicitInputCount = explicitInputCount
        self.capturedNames = capturedNames
        self.compileSubgraph = compileSubgraph
    }

    /// Facts of the captured values by name.
    public func capturedFacts(_ inputs: [ValueFact?]) -> [String: ValueFact] {
        var result: [String: ValueFact] = [:]
        for (i, name) in capturedNames.enumerated() {
            if let fact = inputs[explicitInputCount + i] { result[name] = fact }
        }
        return result
    }
}

/// Runs independent pieces of one kernel call at once (intra-op parallelism). The engine owns no threads:
/// the runtime supplies an executor (Dispatch's thread pool) through ``RunContext``.
public protocol ParallelExecutor: Sendable {
    /// Calls `body(i)` for every `i` in `0..<count`, possibly at once, and returns when all have returned.
    func forEach(_ count: Int, _ body: @Sendable (Int) -> Void)
}

/// What `run` may use besides its inputs.
public struct RunContext: Sendable {
    /// Threads a kernel may use for one call (1 = run on the caller's thread only).
    public var threads: Int
    /// Runs the pieces of a kernel call at once when `threads > 1`; nil runs everything on the caller's thread.
    public var executor: (any ParallelExecutor)?

    public init(threads: Int = 1, executor: (any ParallelExecutor)? = nil) {
        self.threads = threads
        self.executor = executor
    }

    /// `body` over row ranges that together cover `0..<rows`, concatenated in order. With more than one
    /// thread and at least `minimumRows` rows per piece, the pieces run at once on the executor; otherwise
    /// `body(0..<rows)` runs here. `body` must compute each row independently of the others.
    public func rowChunks<T: Sendable>(
        rows: Int, minimumRows: Int, _ body: @Sendable (Range<Int>) throws -> [T]
    ) throws -> [T] {
        let pieces = min(threads, rows / max(minimumRows, 1))
        guard pieces > 1, let executor else { return try body(0..<rows) }
        let ranges = (0..<pieces).map { i in (rows * i / pieces)..<(rows * (i + 1) / pieces) }
        let results = ChunkResults<T>(count: pieces)
        executor.forEach(pieces) { i in results.store(i, Result { try body(ranges[i]) }) }
        return try results.concatenated()
    }
}

// MARK: - Input accessors with errors that name the input

extension Array where Element == Value? {
    /// The tensor at input `index`; throws when missing or not a tensor.
    public func tensor(_ index: Int, _ name: String = "") throws -> Tensor {
        guard index < count, let value = self[index] else {
            throw EngineError.invalidInput("input \(index)\(name.isEmpty ? "" : " '\(name)'") is required")
        }
        guard case .tensor(let t) = value else {
            throw EngineError.invalidInput("input \(index)\(name.isEmpty ? "" : " '\(name)'") must be a tensor, got \(value.type)")
        }
        return t
    }

    /// The tensor at input `index`, or nil when the optional input is omitted.
    public func optionalTensor(_ index: Int) throws -> Tensor? {
        guard index < count, let value = self[index] else { return nil }
        guard case .tensor(let t) = value else { throw EngineError.invalidInput("input \(index) must be a tensor, got \(value.type)") }
        return t
    }
}

extension Array where Element == ValueFact? {
    /// The fact of a required input.
    public func fact(_ index: Int, _ name: String = "") throws -> ValueFact {
        guard index < count, let fact = self[index] else {
            throw EngineError.invalidModel("input \(index)\(name.isEmpty ? "" : " '\(name)'") is required")
        }
        return fact
    }

    /// The element type of a required tensor input.
    public func dataType(_ index: Int, _ name: String = "") throws -> DataType {
        let f = try fact(index, name)
        guard let d = f.dataType else {
            throw EngineError.invalidModel("input \(index)\(name.isEmpty ? "" : " '\(name)'") must be a tensor, got \(f.type)")
        }
        return d
    }

    /// The fact of an optional input, or nil when omitted.
    public func optionalFact(_ index: Int) -> ValueFact? {
        index < count ? self[index] : nil
    }
}

/// Throws unless `dataType` is one of `allowed`.
public func requireType(_ dataType: DataType, in allowed: Set<DataType>, _ what: String) throws {
    guard allowed.contains(dataType) else {
        let names = allowed.map(\.onnxName).sorted().joined(separator: ", ")
        throw EngineError.invalidModel("\(what) has type \(dataType), expected one of: \(names)")
    }
}

extension Set where Element == DataType {
    public static let floatingPoint: Set<DataType> = [.float32, .float64, .float16, .bfloat16]
    public static let integers: Set<DataType> = [.int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64]
    public static let signedIntegers: Set<DataType> = [.int8, .int16, .int32, .int64]
    public static let numeric: Set<DataType> = floatingPoint.union(integers)
    public static let all: Set<DataType> = Set(DataType.allCases)
}
