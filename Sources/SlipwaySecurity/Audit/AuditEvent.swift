public import Foundation

/// What happened, before it is numbered and chained: who (key id and role), what (an action such as `http`,
/// `keys.create`, `privacy.erase`), on what (method, route, model, version), the request id, the outcome
/// (HTTP status) and when. Never a payload: `detail` holds names and ids only.
public struct AuditEvent: Sendable, Hashable {
    public var time: Date
    /// The key id, JWT subject, `anonymous`, or `cli:<user>` for the command line.
    public var actor: String
    public var role: String?
    public var action: String
    public var method: String?
    /// The route pattern (`/v2/models/:model/infer`), not the raw path.
    public var route: String?
    public var model: String?
    public var version: String?
    public var requestID: String?
    public var status: Int?
    public var detail: String?

    public init(
        actor: String, role: String? = nil, action: String, method: String? = nil, route: String? = nil, model: String? = nil,
        version: String? = nil, requestID: String? = nil, status: Int? = nil, detail: String? = nil, time: Date = Date()
    ) {
        self.time = time
        self.actor = actor
        self.role = role
        self.action = action
        self.method = method
        self.route = route
        self.model = model
        self.version = version
        self.requestID = requestID
        self.status = status
        self.detail = detail
    }
}

/// One entry of the audit trail: an event with its place in the chain. `hash` is the SHA-256 of the
/// previous entry's hash and this entry's fields, so editing, removing or reordering entries breaks the chain.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var seq: Int
    public var time: String
    public var actor: String
    public var role: String?
    public var action: String
    public var method: String?
    public var route: String?
    public var model: String?
    public var version: String?
    public var requestID: String?
    public var status: Int?
    public var detail: String?
    public var prevHash: String
    public var hash: String

    enum CodingKeys: String, CodingKey {
        case seq, time, actor, role, action, method, route, model, version
        case requestID = "request_id"
        case status, detail
        case prevHash = "prev_hash"
        case hash
    }

    /// The hash before the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Numbers and chains `event` after the entry `seq - 1` whose hash is `prevHash`.
    public init(_ event: AuditEvent, seq: Int, prevHash: String) {
        self.seq = seq
        self.time = Timestamp.string(event.time)
        self.actor = event.actor
        self.role = event.role
        self.action = event.action
        self.method = event.method
        self.route = event.route
        self.model = event.model
        self.version = event.version
        self.requestID = event.requestID
        self.status = event.status
        self.detail = event.detail
        self.prevHash = prevHash
        self.hash = ""
        self.hash = computedHash
    }

    /// The SHA-256 (hex) of `prevHash` and every field, each length-prefixed so no two entries encode alike.
    public var computedHash: String {
        // The bytes of "length:value;" per field ("-;" for none), appended without intermediate strings.
        var text: [UInt8] = []
        text.reserveCapacity(320)
        // The decimal digits of a count (no intermediate String: this runs once per field of every request's entry).
        func appendDecimal(_ count: Int) {
            if count >= 10 { appendDecimal(count / 10) }
            text.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: count % 10))
        }
        func field(_ value: String?) {
            guard let value else {
                text.append(UInt8(ascii: "-"))
                text.append(UInt8(ascii: ";"))
                return
            }
            // The value's UTF-8 bytes in place, copied in one step (appending `value.utf8` went byte by byte).
            let bytes = value.utf8.span
            appendDecimal(bytes.count)
            text.append(addingCapacity: bytes.count + 2) { out in
                out.append(UInt8(ascii: ":"))
                for i in bytes.indices { out.append(bytes[i]) }
                out.append(UInt8(ascii: ";"))
            }
        }
        // A number's field as `String(number)` would write it, without making that String.
        func numberField(_ number: Int?) {
            guard let number else { return field(nil) }
            guard number >= 0 else { return field(String(number)) }
            var digits = 1
            var rest = number
            while rest >= 10 {
                rest /= 10
                digits += 1
            }
            appendDecimal(digits)
            text.append(UInt8(ascii: ":"))
            appendDecimal(number)
            text.append(UInt8(ascii: ";"))
        }
        field(prevHash)
        numberField(seq)
        field(time)
        field(actor)
        field(role)
        field(action)
        field(method)
        field(route)
        field(model)
        field(version)
        field(requestID)
        numberField(status)
        field(detail)
        return SHA256Hasher.hex(text)
    }
}
