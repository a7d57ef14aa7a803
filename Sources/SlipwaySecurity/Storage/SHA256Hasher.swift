import Crypto

/// SHA-256 through swift-crypto, as bytes.
struct SHA256Hasher {
    private var hasher = SHA256()

    mutating func update(_ bytes: [UInt8]) { hasher.update(data: bytes) }

    mutating func update(_ text: String) { hasher.update(data: Array(text.utf8)) }

    func finalize() -> [UInt8] { Array(hasher.finalize()) }

    static func hex(_ bytes: [UInt8]) -> String { Hex.string(SHA256.hash(data: bytes)) }
}
