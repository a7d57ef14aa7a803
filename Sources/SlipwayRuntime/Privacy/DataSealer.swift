public import SlipwayMonitoring
public import SlipwayRegistry
public import SlipwaySecurity
import Synchronization

/// The data cipher as the stores see it: seals and opens prediction-log cells (``RecordSealer``) and
/// reference-dataset files (``ArtifactSealer``) with the key ring's current key. A running server replaces
/// the ring when `slipway keys rotate-data-key` extends its file (``replace(with:)``); records written from
/// then on use the new key, and every record keeps the id of the key that sealed it.
public final class DataSealer: RecordSealer, ArtifactSealer {
    private let ring: Mutex<DataCipher>

    public init(cipher: DataCipher) { ring = Mutex(cipher) }

    /// The key ring in use.
    public var cipher: DataCipher { ring.withLock { $0 } }

    /// Uses another key ring from now on.
    public func replace(with cipher: DataCipher) { ring.withLock { $0 = cipher } }

    public var currentKeyID: String { cipher.currentKeyID }

    public func seal(_ plaintext: [UInt8], context: [UInt8]) throws -> [UInt8] { try cipher.seal(plaintext, context: context) }

    public func open(_ record: [UInt8], context: [UInt8]) throws -> [UInt8] { try cipher.open(record, context: context) }
}
