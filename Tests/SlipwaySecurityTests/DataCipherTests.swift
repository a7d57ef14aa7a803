import Foundation
import SlipwaySecurity
import Testing

@Suite struct DataCipherTests {
    static let ring1 = DataCipher.newKeyLine()
    static let ring2 = DataCipher.newKeyLine()

    @Test func sealsAndOpensWithTheKeyIdInTheRecord() throws {
        let cipher = try DataCipher(keyRing: Self.ring1.line)
        let plain = Array("{\"x\":[1,2,3]}".utf8)
        let record = try cipher.seal(plain, context: Array("row-1".utf8))
        #expect(DataCipher.keyID(of: record) == Self.ring1.id)
        #expect(DataCipher.isSealed(record))
        #expect(!DataCipher.isSealed(plain))
        #expect(record.count == plain.count + 4 + 1 + Self.ring1.id.utf8.count + 12 + 16)
        #expect(try cipher.open(record, context: Array("row-1".utf8)) == plain)
        // Two seals of the same data differ (fresh nonce).
        #expect(try cipher.seal(plain) != cipher.seal(plain))
    }

    @Test func alteredMovedOrForeignRecordsDoNotOpen() throws {
        let cipher = try DataCipher(keyRing: Self.ring1.line)
        let record = try cipher.seal(Array("secret".utf8), context: Array("row-1".utf8))
        var altered = record
        altered[altered.count - 20] ^= 1
        #expect(throws: SecurityError.self) { try cipher.open(altered, context: Array("row-1".utf8)) }
        #expect(throws: SecurityError.self) { try cipher.open(record, context: Array("row-2".utf8)) }
        let other = try DataCipher(keyRing: Self.ring2.line)
        #expect(throws: SecurityError.self) { try other.open(record, context: Array("row-1".utf8)) }
        #expect(throws: SecurityError.self) { try cipher.open(Array("plain".utf8)) }
    }

    @Test func rotationKeepsOldRecordsReadableAndResealsThemUnderTheNewKey() throws {
        let old = try DataCipher(keyRing: Self.ring1.line)
        let record = try old.seal(Array("payload".utf8))
        let rotated = try DataCipher(keyRing: "# ring\n\(Self.ring1.line)\n\(Self.ring2.line)\n")
        #expect(rotated.currentKeyID == Self.ring2.id)
        #expect(rotated.keyIDs == [Self.ring1.id, Self.ring2.id])
        #expect(rotated.needsReseal(record))
        #expect(try rotated.open(record) == Array("payload".utf8))
        let resealed = try rotated.reseal(record)
        #expect(DataCipher.keyID(of: resealed) == Self.ring2.id)
        #expect(!rotated.needsReseal(resealed))
        #expect(try rotated.reseal(resealed) == resealed)
        #expect(try rotated.open(resealed) == Array("payload".utf8))
        // Without the old key, old records cannot be read.
        let newOnly = try DataCipher(keyRing: Self.ring2.line)
        #expect(throws: SecurityError.self) { try newOnly.open(record) }
    }

    @Test(arguments: [
        "", "# nothing", "k1", "k1 notbase64!", "k1 AAAA", "k1 \(Data(count: 32).base64EncodedString())\nk1 \(Data(count: 32).base64EncodedString())",
    ])
    func badKeyRingsAreRefusedWithTheLine(text: String) {
        #expect(throws: SecurityError.self) { try DataCipher(keyRing: text) }
    }
}

@Suite struct PIIRedactorTests {
    @Test func dropsAndHashesWithAKeyedHash() {
        let key = [UInt8](repeating: 7, count: 32)
        let redactor = PIIRedactor(key: key, fields: ["email": .drop, "customer": .hash])
        let out = redactor.redact([("email", "a@b.c"), ("customer", "c-42"), ("age", "31")])
        #expect(out.map(\.name) == ["customer", "age"])
        #expect(out[0].value.hasPrefix("hmac-sha256:"))
        #expect(out[0].value.count == "hmac-sha256:".count + 64)
        #expect(out[0].value == redactor.hash("c-42"))
        #expect(out[1].value == "31")
        // Another secret hashes differently, so the hash cannot be checked without it.
        #expect(PIIRedactor(key: [UInt8](repeating: 8, count: 32), fields: [:]).hash("c-42") != redactor.hash("c-42"))
    }

    @Test func theHashSecretIsStableAcrossOpens() throws {
        let (database, dir) = try SecurityTestSupport.database()
        let first = try database.privacyHashKey()
        #expect(first.count == 32)
        #expect(try SecurityDatabase.open(dataDirectory: dir).privacyHashKey() == first)
    }
}

@Suite struct RateLimiterTests {
    @Test func tokenBucketAllowsTheBurstThenRefillsAtTheRate() {
        let limiter = RateLimiter()
        let limit = RateLimit(perSecond: 2, burst: 3)
        let t0 = ContinuousClock.now
        for _ in 0..<3 { #expect(limiter.take(caller: "k", limit: limit, now: t0) == .allowed) }
        #expect(limiter.take(caller: "k", limit: limit, now: t0) == .limited(retryAfter: 1))
        // Another caller has its own bucket.
        #expect(limiter.take(caller: "other", limit: limit, now: t0) == .allowed)
        // Half a second later one token is back.
        #expect(limiter.take(caller: "k", limit: limit, now: t0.advanced(by: .milliseconds(500))) == .allowed)
        #expect(limiter.take(caller: "k", limit: limit, now: t0.advanced(by: .milliseconds(500))) != .allowed)
        // A long pause refills only up to the burst.
        let later = t0.advanced(by: .seconds(60))
        for _ in 0..<3 { #expect(limiter.take(caller: "k", limit: limit, now: later) == .allowed) }
        #expect(limiter.take(caller: "k", limit: limit, now: later) != .allowed)
    }

    @Test func retryAfterCoversASlowRate() {
        let limiter = RateLimiter()
        let limit = RateLimit(perSecond: 0.1, burst: 1)
        let t0 = ContinuousClock.now
        #expect(limiter.take(caller: "k", limit: limit, now: t0) == .allowed)
        #expect(limiter.take(caller: "k", limit: limit, now: t0) == .limited(retryAfter: 10))
    }
}
