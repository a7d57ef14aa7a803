/// MT19937, the Mersenne Twister behind Python's `random` and numpy's legacy `RandomState`.
public struct MersenneTwister: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// Seeds like numpy's legacy `np.random.seed(int)` (`init_genrand`).
    public init(seed: UInt32) { initGenrand(seed) }

    /// Seeds like Python's `random.seed(int)`: `init_by_array` on the 32-bit words of |seed|.
    public init(pythonSeed seed: Int) {
        var magnitude = seed.magnitude
        var key: [UInt32] = []
        repeat {
            key.append(UInt32(truncatingIfNeeded: magnitude))
            magnitude >>= 32
        } while magnitude > 0
        initByArray(key)
    }

    private mutating func initGenrand(_ s: UInt32) {
        state[0] = s
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1
        var j = 0
        var k = max(624, key.count)
        while k > 0 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= 624 {
                state[0] = state[623]
                i = 1
            }
            if j >= key.count { j = 0 }
            k -= 1
        }
        k = 623
        while k > 0 {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 {
                state[0] = state[623]
                i = 1
            }
            k -= 1
        }
        state[0] = 0x8000_0000
        index = 624
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7fff_ffff)
            var next = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_b0df }
            state[i] = next
        }
        index = 0
    }

    /// The next 32-bit output (`genrand_uint32`).
    public mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// Python's `getrandbits(k)` for 1 <= k <= 32.
    public mutating func randomBits(_ k: Int) -> UInt32 { nextUInt32() >> UInt32(32 - k) }

    /// Python's `_randbelow(n)` (rejection sampling on bit_length(n) bits), n >= 1.
    public mutating func below(_ n: Int) -> Int {
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = Int(randomBits(min(k, 32)))
        while r >= n { r = Int(randomBits(min(k, 32))) }
        return r
    }

    /// Python's `random.sample(range(n), k)`: the pool algorithm for small n, the set algorithm otherwise.
    public mutating func sample(populationSize n: Int, count k: Int) -> [Int] {
        var result = [Int](repeating: 0, count: k)
        var setsize = 21
        if k > 5 {
            // 4 ** ceil(log(3k, 4))
            var power = 1
            while power < 3 * k { power *= 4 }
            setsize += power
        }
        if n <= setsize {
            var pool = Array(0..<n)
            for i in 0..<k {
                let j = below(n - i)
                result[i] = pool[j]
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>()
            for i in 0..<k {
                var j = below(n)
                while selected.contains(j) { j = below(n) }
                selected.insert(j)
                result[i] = j
            }
        }
        return result
    }

    /// A uniform integer in [0, max] by masked rejection (numpy legacy `random_interval`).
    public mutating func interval(_ max: UInt32) -> UInt32 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        var value = nextUInt32() & mask
        while value > max { value = nextUInt32() & mask }
        return value
    }

    /// Fisher–Yates shuffle from the end, as numpy's legacy `shuffle`.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        var i = a.count - 1
        while i >= 1 {
            let j = Int(interval(UInt32(i)))
            a.swapAt(i, j)
            i -= 1
        }
    }
}
