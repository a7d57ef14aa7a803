public import SlipwayEngine
public import SlipwayTensor

/// What requests must share to be joined into one batch: every input's name, datatype and dimensions after
/// the first (the batch dimension), in name order.
public struct BatchKey: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var name: String
        var dataType: DataType
        var innerShape: [Int]
    }

    let entries: [Entry]

    /// The key of `request` and its row count, or nil when it cannot be joined with others: an input of rank
    /// 0, inputs that disagree on the first dimension, no rows, or inputs other than exactly `modelInputs`.
    public static func of(_ request: InferenceRequest, modelInputs: Set<String>) -> (key: BatchKey, rows: Int)? {
        guard !request.inputs.isEmpty, request.inputs.count == modelInputs.count else { return nil }
        var rows: Int? = nil
        var entries: [Entry] = []
        entries.reserveCapacity(request.inputs.count)
        for input in request.inputs {
            guard modelInputs.contains(input.name), let first = input.tensor.shape.first, first > 0 else { return nil }
            if let rows, rows != first { return nil }
            rows = first
            entries.append(Entry(name: input.name, dataType: input.tensor.dataType, innerShape: Array(input.tensor.shape.dropFirst())))
        }
        guard let rows else { return nil }
        entries.sort { $0.name < $1.name }
        return (BatchKey(entries: entries), rows)
    }
}

/// Joins requests along the first dimension and splits a batch's outputs back, row ranges in request order.
public enum BatchAssembly {
    /// The feeds of a joined batch: each input's tensors concatenated along dimension 0. The requests must
    /// share a ``BatchKey``.
    public static func join(_ requests: [InferenceRequest]) throws(InferenceError) -> (feeds: [String: Value], rows: [Int]) {
        guard let first = requests.first else { return ([:], []) }
        var feeds: [String: Value] = [:]
        var rows: [Int] = []
        for request in requests { rows.append(request.inputs.first?.tensor.shape.first ?? 0) }
        let total = rows.reduce(0, +)
        for input in first.inputs {
            var parts: [TensorStorage] = []
            parts.reserveCapacity(requests.count)
            for request in requests {
                guard let match = request.inputs.first(where: { $0.name == input.name }) else {
                    throw InferenceError(.internal, "batched requests disagree on their inputs ('\(input.name)' is missing)")
                }
                parts.append(match.tensor.storage)
            }
            guard let joined = concatenate(parts) else {
                throw InferenceError(.internal, "batched requests disagree on the datatype of input '\(input.name)'")
            }
            feeds[input.name] = .tensor(Tensor(uncheckedShape: [total] + input.tensor.shape.dropFirst(), storage: joined))
        }
        return (feeds, rows)
    }

    /// Splits one output of a batch into per-request values, or nil when the output does not have one row per
    /// batch element (a constant, a reduction over the batch): such a batch is run again request by request.
    public static func split(_ value: Value, rows: [Int]) -> [Value]? {
        let total = rows.reduce(0, +)
        switch value {
        case .tensor(let t):
            guard let first = t.shape.first, first == total, total > 0 else { return nil }
            let rowSize = t.count / total
            var out: [Value] = []
            out.reserveCapacity(rows.count)
            var start = 0
            for n in rows {
                guard let storage = slice(t.storage, from: start * rowSize, to: (start + n) * rowSize) else { return nil }
                out.append(.tensor(Tensor(uncheckedShape: [n] + t.shape.dropFirst(), storage: storage)))
                start += n
            }
            return out
        case .sequence(let seq):
            guard seq.elements.count == total else { return nil }
            var out: [Value] = []
            var start = 0
            for n in rows {
                out.append(.sequence(SequenceValue(elementType: seq.elementType, elements: Array(seq.elements[start..<(start + n)]))))
                start += n
            }
            return out
        case .map, .optional:
            return nil
        }
    }

    /// The storages one after another; nil when their element types differ.
    static func concatenate(_ parts: [TensorStorage]) -> TensorStorage? {
        guard let first = parts.first else { return nil }
        struct Concatenate: StorageVisitor {
            let parts: [TensorStorage]
            func visit<T: TensorElement>(_ head: [T]) -> TensorStorage? {
                var out = head
                out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
                for part in parts.dropFirst() {
                    guard let elements = T.unwrap(part) else { return nil }
                    out.append(contentsOf: elements)
                }
                return T.wrap(out)
            }
            func visitLowPrecision(_ head: LowPrecisionStorage) -> TensorStorage? {
                var codes = head.codes
                for part in parts.dropFirst() {
                    guard case .lowPrecision(let s) = part, s.dataType == head.dataType else { return nil }
                    codes.append(contentsOf: s.codes)
                }
                return .lowPrecision(head.withCodes(codes))
            }
        }
        return (try? first.visit(Concatenate(parts: parts))) ?? nil
    }

    /// Elements `from..<to` of a storage.
    static func slice(_ storage: TensorStorage, from: Int, to: Int) -> TensorStorage? {
        guard from >= 0, to >= from, to <= storage.count else { return nil }
        struct Slice: StorageVisitor {
            let range: Range<Int>
            func visit<T: TensorElement>(_ a: [T]) -> TensorStorage { T.wrap(Array(a[range])) }
            func visitLowPrecision(_ s: LowPrecisionStorage) -> TensorStorage { .lowPrecision(s.withCodes(Array(s.codes[range]))) }
        }
        return try? storage.visit(Slice(range: from..<to))
    }
}
