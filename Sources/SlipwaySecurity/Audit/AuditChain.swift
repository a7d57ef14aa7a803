/// What is wrong with an audit trail: the first bad entry and why.
public struct AuditFault: Sendable, Hashable, CustomStringConvertible {
    /// The sequence number of the first bad entry (or where the missing ones should be).
    public var seq: Int
    public var reason: String

    public var description: String { "entry \(seq): \(reason)" }
}

/// The result of checking a trail.
public struct AuditVerification: Sendable, Hashable {
    /// Entries read.
    public var entries: Int
    /// The first fault; nil when the trail is intact.
    public var fault: AuditFault?

    public var isIntact: Bool { fault == nil }
}

/// Checks a chain of entries in stored order: consecutive numbers from 1, each entry's `prevHash` equal to
/// the previous entry's hash, each hash equal to the hash of its fields, and the last entry equal to the
/// recorded head (so removing entries from the end shows too).
public struct AuditChainVerifier: Sendable {
    private var expectedSeq = 1
    private var previousHash = AuditEntry.genesisHash
    public private(set) var entries = 0
    public private(set) var fault: AuditFault?

    public init() {}

    /// Checks the next entry; after the first fault, later entries are ignored.
    public mutating func check(_ entry: AuditEntry) {
        guard fault == nil else { return }
        entries += 1
        if entry.seq != expectedSeq {
            fault = AuditFault(
                seq: expectedSeq,
                reason: entry.seq > expectedSeq
                    ? "missing: entries \(expectedSeq)…\(entry.seq - 1) were removed" : "out of order: found entry \(entry.seq) here")
            return
        }
        if entry.prevHash != previousHash {
            fault = AuditFault(seq: entry.seq, reason: "does not follow entry \(entry.seq - 1): entries were removed, reordered or edited")
            return
        }
        if entry.computedHash != entry.hash {
            fault = AuditFault(seq: entry.seq, reason: "edited: its contents do not match its hash")
            return
        }
        previousHash = entry.hash
        expectedSeq += 1
    }

    /// Checks the end of the trail against the head recorded with the last append.
    public mutating func finish(head: (seq: Int, hash: String)?) -> AuditVerification {
        if fault == nil {
            let lastSeq = expectedSeq - 1
            if let head {
                if head.seq > lastSeq {
                    fault = AuditFault(seq: lastSeq + 1, reason: "missing: entries \(lastSeq + 1)…\(head.seq) were removed from the end")
                } else if head.seq < lastSeq || head.hash != previousHash {
                    fault = AuditFault(seq: head.seq, reason: "the trail's recorded head does not match entry \(head.seq)")
                }
            } else if lastSeq > 0 {
                fault = AuditFault(seq: 1, reason: "the trail's recorded head is missing")
            }
        }
        return AuditVerification(entries: entries, fault: fault)
    }

    /// Checks a whole chain held in memory.
    public static func verify(_ entries: some Sequence<AuditEntry>, head: (seq: Int, hash: String)?) -> AuditVerification {
        var verifier = AuditChainVerifier()
        for entry in entries { verifier.check(entry) }
        return verifier.finish(head: head)
    }
}
