import SlipwayTensor

/// A key → position table for the lookup operators (LabelEncoder, CategoryMapper): string, integer or
/// floating keys (NaN matches NaN, -0 matches 0), built once.
struct MLKeyTable: Sendable {
    enum Kind: Sendable { case string, integer, floating }
    let kind: Kind
    let keyType: DataType
    private var strings: [String: Int] = [:]
    private var integers: [Int64: Int] = [:]
    private var floats: [Double: Int] = [:]
    private var nanPosition: Int? = nil

    /// Builds the table; with duplicate keys the first (`firstWins`) or last position is kept.
    init(_ keys: Tensor, firstWins: Bool, op: String) throws {
        keyType = keys.dataType
        func insert<K: Hashable>(_ table: inout [K: Int], _ key: K, _ i: Int) {
            if firstWins, table[key] != nil { return }
            table[key] = i
        }
        switch keys.storage {
        case .string(let a):
            kind = .string
            for (i, k) in a.enumerated() { insert(&strings, k, i) }
        case .int64, .int32, .int16, .int8, .uint8, .uint16, .uint32:
            kind = .integer
            for (i, k) in (keys.integers() ?? []).enumerated() { insert(&integers, Int64(k), i) }
        case .float32, .float64, .float16:
            kind = .floating
            for (i, k) in (keys.doubles() ?? []).enumerated() {
                if k.isNaN {
                    if nanPosition == nil || !firstWins { nanPosition = i }
                } else {
                    insert(&floats, k, i)
                }
            }
        default:
            throw EngineError.invalidModel("\(op): keys of type \(keys.dataType) are not supported")
        }
    }

    /// The position of one floating key, -1 when absent (NaN matches a NaN key).
    @inline(__always)
    func position(ofFloating key: Double) -> Int {
        key.isNaN ? (nanPosition ?? -1) : (floats[key] ?? -1)
    }

    /// The position of one integer key, -1 when absent.
    @inline(__always)
    func position(ofInteger key: Int64) -> Int { integers[key] ?? -1 }

    /// The position of each element of `x` among the keys, -1 when absent.
    func positions(of x: Tensor, op: String) throws -> [Int] {
        switch (kind, x.storage) {
        case (.string, .string(let a)): return a.map { strings[$0] ?? -1 }
        case (.integer, _) where x.dataType.isInteger:
            return (x.integers() ?? []).map { integers[Int64($0)] ?? -1 }
        case (.floating, _) where x.dataType.isFloatingPoint:
            return (x.doubles() ?? []).map { $0.isNaN ? (nanPosition ?? -1) : (floats[$0] ?? -1) }
        default:
            throw EngineError.invalidInput("\(op): input of type \(x.dataType) does not match keys of type \(keyType)")
        }
    }
}

/// Builds a tensor of `shape` from `values` at `positions` (-1 takes `fallback`, a one-element tensor of the same type).
func mlGather(_ values: Tensor, positions: [Int], fallback: Tensor, shape: [Int]) throws -> Tensor {
    struct Pick: StorageVisitor {
        let positions: [Int]
        let fallback: TensorStorage
        func visit<T: TensorElement>(_ a: [T]) throws -> TensorStorage {
            guard let d = T.unwrap(fallback)?.first else { throw EngineError.invalidModel("default value has the wrong type") }
            return T.wrap(positions.map { $0 >= 0 && $0 < a.count ? a[$0] : d })
        }
    }
    let storage = try values.storage.visit(Pick(positions: positions, fallback: fallback.storage))
    return Tensor(uncheckedShape: shape, storage: storage)
}
