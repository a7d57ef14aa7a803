public import SlipwayEngine
import SlipwayTensor
import Synchronization

/// The response cache of one served version (opt-in per model, `cache: {max_bytes: 16MiB}`): outputs keyed
/// by a 128-bit hash of the inputs (name, datatype, shape and bytes of each) and the requested outputs,
/// least recently used out first, bounded by the bytes of the outputs kept. Only successful responses are
/// cached. Thread-safe; one `Mutex` around the table.
public final class ResponseCache: Sendable {
    /// A 128-bit key; two independent 64-bit lanes make an accidental collision negligible (Triton's is 64-bit).
    public struct Key: Sendable, Hashable {
        var high: UInt64
        var low: UInt64
    }

    struct Entry {
        var outputs: [(name: String, value: Value)]
        var cost: Int
        var stamp: UInt64
    }

    struct State {
        var entries: [Key: Entry] = [:]
        /// Use order, oldest first; an item is stale when its stamp no longer matches the entry's.
        var order: [(key: Key, stamp: UInt64)] = []
        var orderStart = 0
        var bytes = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    public let capacityBytes: Int
    private let state = Mutex(State())

    public init(capacityBytes: Int) { self.capacityBytes = max(0, capacityBytes) }

    /// The key of a request: its inputs in name order and the outputs it asks for.
    public static func key(for request: InferenceRequest) -> Key {
        var bytes: [UInt8] = []
        for input in request.inputs.sorted(by: { $0.name < $1.name }) {
            bytes.append(contentsOf: input.name.utf8)
            bytes.append(0)
            bytes.append(contentsOf: input.tensor.dataType.v2Name.utf8)
            bytes.append(0)
            for d in input.tensor.shape {
                for b in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: UInt64(d) >> (8 * b))) }
            }
            bytes.append(0xFF)
            BinaryTensorData.append(input.tensor, to: &bytes)
        }
        bytes.append(0xFE)
        for output in request.outputs ?? [] {
            bytes.append(contentsOf: output.name.utf8)
            bytes.append(0)
        }
        return hash(bytes)
    }

    /// Two 64-bit multiply–rotate lanes over 8-byte words, then a final avalanche (not cryptographic).
    static func hash(_ bytes: [UInt8]) -> Key {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        var i = 0
        while i + 8 <= bytes.count {
            var w: UInt64 = 0
            for b in 0..<8 { w |= UInt64(bytes[i + b]) << (8 * UInt64(b)) }
            a = ((a ^ w) &* 0xFF51_AFD7_ED55_8CCD)
            a = (a << 31) | (a >> 33)
            b = ((b &+ w) &* 0xC4CE_B9FE_1A85_EC53)
            b ^= b >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        a = (a ^ tail) &* 0xFF51_AFD7_ED55_8CCD
        b = (b &+ tail &+ 1) &* 0xC4CE_B9FE_1A85_EC53
        func mix(_ x: UInt64) -> UInt64 {
            var x = x
            x ^= x >> 33
            x = x &* 0xFF51_AFD7_ED55_8CCD
            x ^= x >> 33
            x = x &* 0xC4CE_B9FE_1A85_EC53
            x ^= x >> 33
            return x
        }
        return Key(high: mix(a ^ (b >> 7)), low: mix(b &+ a))
    }

    /// The cached outputs of `key` (counted as a hit), or nil (counted as a miss).
    public func lookup(_ key: Key) -> [(name: String, value: Value)]? {
        state.withLock { s in
            guard var entry = s.entries[key] else {
                s.misses += 1
                return nil
            }
            s.hits += 1
            s.clock += 1
            entry.stamp = s.clock
            s.entries[key] = entry
            s.order.append((key, s.clock))
            compact(&s)
            return entry.outputs
        }
    }

    /// Keeps `outputs` under `key`, evicting the least recently used entries to stay within the capacity; an
    /// entry larger than the whole capacity is not kept.
    public func insert(_ key: Key, outputs: [(name: String, value: Value)]) {
        let cost = Self.cost(of: outputs)
        guard cost <= capacityBytes else { return }
        state.withLock { s in
            if let old = s.entries.removeValue(forKey: key) { s.bytes -= old.cost }
            while s.bytes + cost > capacityBytes, s.orderStart < s.order.count {
                let (victim, stamp) = s.order[s.orderStart]
                s.orderStart += 1
                if let entry = s.entries[victim], entry.stamp == stamp {
                    s.entries.removeValue(forKey: victim)
                    s.bytes -= entry.cost
                }
            }
            s.clock += 1
            s.entries[key] = Entry(outputs: outputs, cost: cost, stamp: s.clock)
            s.order.append((key, s.clock))
            s.bytes += cost
            compact(&s)
        }
    }

    /// Drops stale use records once they outnumber live entries.
    private func compact(_ s: inout State) {
        guard s.order.count - s.orderStart > 4 * s.entries.count + 64 else { return }
        s.order = s.order[s.orderStart...].filter { s.entries[$0.key]?.stamp == $0.stamp }
        s.orderStart = 0
    }

    public var count: Int { state.withLock { $0.entries.count } }
    public var bytes: Int { state.withLock { $0.bytes } }
    public var hits: Int { state.withLock { $0.hits } }
    public var misses: Int { state.withLock { $0.misses } }

    /// Bytes an entry is charged: the outputs' element bytes plus a fixed overhead per output.
    static func cost(of outputs: [(name: String, value: Value)]) -> Int {
        var total = 64
        for output in outputs { total += 64 + output.name.utf8.count + cost(of: output.value) }
        return total
    }

    static func cost(of value: Value) -> Int {
        switch value {
        case .tensor(let t):
            if case .string(let strings) = t.storage { return strings.reduce(0) { $0 + $1.utf8.count + 16 } }
            return t.count * (BinaryTensorData.elementSize(t.dataType) ?? 8)
        case .sequence(let seq): return seq.elements.reduce(32) { $0 + cost(of: $1) }
        case .map(let m): return 32 + cost(of: .tensor(m.values)) + m.values.count * 16
        case .optional(let inner, _): return 16 + (inner.map { cost(of: $0) } ?? 0)
        }
    }
}
