import Foundation
import GRDB

/// Reference profiles on disk (`reference_profile`, `reference_profile_column`): one row per profile, keyed by
/// model, version and the reference dataset's digest, and one row per column holding its values as a blob
/// (numbers as little-endian IEEE doubles; strings as little-endian Int32 codes, -1 = missing, into a list of
/// levels, each a little-endian UInt32 byte length and its UTF-8 bytes).
extension DriftHistoryStore {
    /// Stores `profile` as the profile of its version's reference with `digest`, replacing any other profile
    /// of that version.
    public func save(_ profile: ReferenceProfile, digest: String) async throws {
        let columns = profile.table.columns.map(ProfileColumnCodec.encode)
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM reference_profile WHERE model = ? AND version = ?", arguments: [profile.model, profile.version])
            try db.execute(
                sql: "INSERT INTO reference_profile (model, version, digest, built_at, row_count) VALUES (?, ?, ?, ?, ?)",
                arguments: [profile.model, profile.version, digest, profile.builtAt, profile.rowCount])
            for (position, column) in columns.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO reference_profile_column (model, version, digest, position, name, dtype, encoding, data, levels)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        profile.model, profile.version, digest, position, column.name, column.dtype, column.encoding, column.data,
                        column.levels,
                    ])
            }
        }
    }

    /// The stored profile of `model` version `version` built from the reference with `digest`; nil when there
    /// is none (or it was built from another digest).
    public func profile(model: String, version: String, digest: String) async throws -> ReferenceProfile? {
        try await database.read { db in
            guard
                let head = try Row.fetchOne(
                    db, sql: "SELECT built_at, row_count FROM reference_profile WHERE model = ? AND version = ? AND digest = ?",
                    arguments: [model, version, digest])
            else { return nil }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT name, dtype, encoding, data, levels FROM reference_profile_column
                    WHERE model = ? AND version = ? AND digest = ? ORDER BY position
                    """, arguments: [model, version, digest])
            var columns: [DataColumn] = []
            for row in rows {
                let encoded = ProfileColumnCodec.Encoded(
                    name: row["name"], dtype: row["dtype"], encoding: row["encoding"], data: row["data"], levels: row["levels"])
                guard let column = ProfileColumnCodec.decode(encoded) else {
                    throw DriftError(
                        .invalidInput, "the stored reference profile of '\(model)' version \(version) is damaged (column \(encoded.name))")
                }
                columns.append(column)
            }
            let rowCount: Int = head["row_count"]
            guard columns.allSatisfy({ $0.count == rowCount }) else {
                throw DriftError(.invalidInput, "the stored reference profile of '\(model)' version \(version) is damaged (row counts differ)")
            }
            return ReferenceProfile(model: model, version: version, table: DataTable(columns: columns), builtAt: head["built_at"])
        }
    }
}

/// A profile column to and from its stored form.
enum ProfileColumnCodec {
    struct Encoded {
        var name: String
        var dtype: String
        var encoding: String
        var data: Data
        var levels: Data?
    }

    static func encode(_ column: DataColumn) -> Encoded {
        switch column.values {
        case .numeric(let values):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(values.count * 8)
            for v in values { append(v.bitPattern, bytes: 8, to: &bytes) }
            return Encoded(name: column.name, dtype: column.dtype.rawValue, encoding: "numeric", data: Data(bytes), levels: nil)
        case .categories(let codes, let levels):
            return Encoded(
                name: column.name, dtype: column.dtype.rawValue, encoding: "categories", data: encode(codes: codes),
                levels: encode(levels: levels))
        case .text(let values):
            var index: [String: Int32] = [:]
            var levels: [String] = []
            let codes = values.map { value -> Int32 in
                guard let value else { return -1 }
                if let code = index[value] { return code }
                let code = Int32(levels.count)
                index[value] = code
                levels.append(value)
                return code
            }
            return Encoded(
                name: column.name, dtype: column.dtype.rawValue, encoding: "text", data: encode(codes: codes), levels: encode(levels: levels))
        }
    }

    static func decode(_ e: Encoded) -> DataColumn? {
        guard let dtype = PandasDType(rawValue: e.dtype) else { return nil }
        let bytes = [UInt8](e.data)
        switch e.encoding {
        case "numeric":
            guard bytes.count % 8 == 0 else { return nil }
            var values: [Double] = []
            values.reserveCapacity(bytes.count / 8)
            var i = 0
            while i < bytes.count {
                values.append(Double(bitPattern: load(bytes, at: i, width: 8)))
                i += 8
            }
            return DataColumn(name: e.name, dtype: dtype, values: .numeric(values))
        case "categories", "text":
            guard bytes.count % 4 == 0, let levels = e.levels.flatMap({ decodeLevels([UInt8]($0)) }) else { return nil }
            var codes: [Int32] = []
            codes.reserveCapacity(bytes.count / 4)
            var i = 0
            while i < bytes.count {
                let code = Int32(bitPattern: UInt32(truncatingIfNeeded: load(bytes, at: i, width: 4)))
                guard code >= -1, Int(code) < levels.count else { return nil }
                codes.append(code)
                i += 4
            }
            if e.encoding == "categories" {
                return DataColumn(name: e.name, dtype: dtype, values: .categories(codes: codes, levels: levels))
            }
            return DataColumn(name: e.name, dtype: dtype, values: .text(codes.map { $0 >= 0 ? levels[Int($0)] : nil }))
        default:
            return nil
        }
    }

    private static func encode(codes: [Int32]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(codes.count * 4)
        for c in codes { append(UInt64(UInt32(bitPattern: c)), bytes: 4, to: &bytes) }
        return Data(bytes)
    }

    private static func encode(levels: [String]) -> Data {
        var bytes: [UInt8] = []
        for level in levels {
            let utf8 = Array(level.utf8)
            append(UInt64(utf8.count), bytes: 4, to: &bytes)
            bytes.append(contentsOf: utf8)
        }
        return Data(bytes)
    }

    private static func decodeLevels(_ bytes: [UInt8]) -> [String]? {
        var levels: [String] = []
        var i = 0
        while i < bytes.count {
            guard i + 4 <= bytes.count else { return nil }
            let length = Int(load(bytes, at: i, width: 4))
            i += 4
            guard length <= bytes.count - i else { return nil }
            levels.append(String(decoding: bytes[i..<(i + length)], as: UTF8.self))
            i += length
        }
        return levels
    }

    @inline(__always)
    private static func append(_ value: UInt64, bytes count: Int, to bytes: inout [UInt8]) {
        for b in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(b)))) }
    }

    @inline(__always)
    private static func load(_ bytes: [UInt8], at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for b in 0..<width { value |= UInt64(bytes[offset + b]) << (8 * UInt64(b)) }
        return value
    }
}
