import GRDB

/// The time marks of the prediction log (table `prediction_time_mark`): per model and write, the row-id range the
/// write gave the model, the earliest arrival among those rows, and the latest arrival among all the model's rows up
/// to the range's end — a running maximum, so latest arrivals never decrease along the ids. A write extends the
/// model's newest mark while that spans fewer than ``extendBelow`` ids, else starts a new one.
///
/// Why: an index on (model, arrived_at) cost every logged row an index entry; the marks cost a write one small row
/// per model, and answer the log's two time questions as row-id bounds that the (model, version) index and the table
/// walk from: where a time window starts (``PredictionLogStore/firstIDSinceSQL``: every row of the window is at or
/// after the first mark whose latest arrival reaches the window) and which rows retention reads
/// (``PredictionLogStore/marksBeforeSQL``: every row before a cutoff lies in a mark whose earliest arrival is before
/// it).
///
/// Clocks: a row stamped later than the clock of the write that logs it (a clock stepped back) counts in latest
/// arrivals as written at that clock, so one wrong stamp cannot make every later window walk from it; such a row is
/// found by windows that start at or before its write. A host clock that runs ahead (stamps and writes both in the
/// future) raises the running maximum until real time passes it: windows stay exact but walk from the first mark of
/// that time. Retention narrows or deletes the marks whose rows it deletes, and erasure the marks of the rows it
/// erases, so an outlying earliest arrival is not read again once its row is gone.
struct TimeMarks {
    /// A mark spanning fewer ids than this is extended by the next write instead of followed by a new one.
    static let extendBelow: Int64 = 1024

    struct Span {
        var first: Int64
        var last: Int64
        var earliest: Double
        var latest: Double
    }

    /// Per model, in the order first seen (writes usually carry one model).
    private(set) var spans: [(model: String, span: Span)] = []

    /// Records row `id` of `model`, arrived at `arrivedAt`; ids arrive in increasing order.
    mutating func add(model: String, id: Int64, arrivedAt: Double) {
        if let index = spans.lastIndex(where: { $0.model == model }) {
            spans[index].span.last = id
            spans[index].span.earliest = min(spans[index].span.earliest, arrivedAt)
            spans[index].span.latest = max(spans[index].span.latest, arrivedAt)
        } else {
            spans.append((model, Span(first: id, last: id, earliest: arrivedAt, latest: arrivedAt)))
        }
    }

    static let newestSQL =
        "SELECT first_id, last_id, earliest_arrival, latest_arrival FROM prediction_time_mark WHERE model = ? ORDER BY first_id DESC LIMIT 1"
    static let insertSQL = "INSERT INTO prediction_time_mark (model, first_id, last_id, earliest_arrival, latest_arrival) VALUES (?, ?, ?, ?, ?)"
    static let extendSQL = "UPDATE prediction_time_mark SET last_id = ?, earliest_arrival = ?, latest_arrival = ? WHERE model = ? AND first_id = ?"
    static let markedThroughSQL = "SELECT through_id FROM prediction_time_marked WHERE id = 1"
    static let markThroughSQL = "UPDATE prediction_time_marked SET through_id = max(through_id, ?) WHERE id = 1"

    /// Writes the marks, in the transaction of the rows they mark; `now` is the write's clock (seconds since 1970).
    func write(_ db: Database, now: Double) throws {
        var through: Int64 = 0
        for (model, span) in spans {
            through = max(through, span.last)
            let latestHere = min(span.latest, now)
            guard let newest = try Row.fetchOne(db.cachedStatement(sql: Self.newestSQL), arguments: [model]) else {
                try db.cachedStatement(sql: Self.insertSQL).execute(arguments: [model, span.first, span.last, span.earliest, latestHere])
                continue
            }
            let first: Int64 = newest[0]
            let last: Int64 = newest[1]
            let earliest: Double = newest[2]
            let latest = max(newest[3] as Double, latestHere)
            if span.first > last, span.last - first < Self.extendBelow {
                try db.cachedStatement(sql: Self.extendSQL).execute(arguments: [span.last, min(earliest, span.earliest), latest, model, first])
            } else {
                try db.cachedStatement(sql: Self.insertSQL).execute(arguments: [model, span.first, span.last, span.earliest, latest])
            }
        }
        try db.cachedStatement(sql: Self.markThroughSQL).execute(arguments: [through])
    }

    /// Marks the rows above the highest id marked so far (`prediction_time_marked`), in groups of 1,024 ids per model:
    /// rows that a writer without marks (an older binary on the same file) added since this binary's last write, their
    /// latest arrivals capped at this clock. `highest` is the highest id in use when the caller knows it (the writer
    /// does: one lookup then). The rows are read as one range of the table from the mark.
    static func markUnmarkedRows(_ db: Database, now: Double, highest: Int64? = nil) throws {
        let through = try Int64.fetchOne(db.cachedStatement(sql: markedThroughSQL)) ?? 0
        let top = try highest ?? Int64.fetchOne(db, sql: "SELECT MAX(id) FROM prediction") ?? 0
        guard top > through else { return }
        let groups = try Row.fetchAll(
            db,
            sql: """
                SELECT model, MIN(id), MAX(id), MIN(arrived_at), MAX(arrived_at) FROM prediction WHERE id > ?
                GROUP BY id / 1024, +model ORDER BY MIN(id)
                """, arguments: [through])
        var latestOf: [String: Double] = [:]
        for group in groups {
            let model: String = group[0]
            let previous = try latestOf[model] ?? Row.fetchOne(db.cachedStatement(sql: newestSQL), arguments: [model]).map { $0[3] as Double }
            let latest = max(previous ?? -.infinity, min(group[4] as Double, now))
            try db.cachedStatement(sql: insertSQL).execute(arguments: [model, group[1] as Int64, group[2] as Int64, group[3] as Double, latest])
            latestOf[model] = latest
        }
        try db.cachedStatement(sql: markThroughSQL).execute(arguments: [top])
    }

    /// One mark's last id and latest arrival.
    static let markSQL = "SELECT last_id, latest_arrival FROM prediction_time_mark WHERE model = ? AND first_id = ?"
    /// The arrivals left in a mark's range, per version: a range of the (model, version) index.
    static let arrivalsLeftSQL = "SELECT MIN(arrived_at), MAX(arrived_at) FROM prediction WHERE model = ? AND version IS ? AND id BETWEEN ? AND ?"
    static let previousLatestSQL = "SELECT latest_arrival FROM prediction_time_mark WHERE model = ? AND first_id < ? ORDER BY first_id DESC LIMIT 1"
    static let deleteMarkSQL = "DELETE FROM prediction_time_mark WHERE model = ? AND first_id = ?"
    static let narrowSQL = "UPDATE prediction_time_mark SET earliest_arrival = ?, latest_arrival = ? WHERE model = ? AND first_id = ?"

    /// Narrows the marks of `model` that start at `firstIDs` to the rows they still hold, deleting those left empty
    /// (after retention or erasure): the earliest arrival becomes the earliest left, the latest the later of the
    /// previous mark's and the latest left — never raised, so latest arrivals still never decrease along the ids.
    /// `versions` are the model's (``PredictionLogStore/versions(of:_:)``).
    static func refresh(_ db: Database, model: String, marks firstIDs: [Int64], versions: [Int?]) throws {
        for first in Set(firstIDs).sorted() {
            guard let mark = try Row.fetchOne(db.cachedStatement(sql: markSQL), arguments: [model, first]) else { continue }
            let last: Int64 = mark[0]
            let latest: Double = mark[1]
            var earliestLeft: Double?
            var latestLeft: Double?
            for version in versions {
                guard let left = try Row.fetchOne(db.cachedStatement(sql: arrivalsLeftSQL), arguments: [model, version, first, last]),
                    let low = left[0] as Double?, let high = left[1] as Double?
                else { continue }
                earliestLeft = min(earliestLeft ?? low, low)
                latestLeft = max(latestLeft ?? high, high)
            }
            guard let earliestLeft, let latestLeft else {
                try db.cachedStatement(sql: deleteMarkSQL).execute(arguments: [model, first])
                continue
            }
            let previous = try Double.fetchOne(db.cachedStatement(sql: previousLatestSQL), arguments: [model, first])
            let narrowed = min(latest, max(previous ?? -.infinity, latestLeft))
            try db.cachedStatement(sql: narrowSQL).execute(arguments: [earliestLeft, narrowed, model, first])
        }
    }

    /// The first ids of `model`'s marks that hold the rows `ids` (for ``refresh(_:model:marks:)`` after an erasure).
    static func marks(_ db: Database, model: String, holding ids: [Int64]) throws -> [Int64] {
        var found: Set<Int64> = []
        for id in ids {
            if let first = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT first_id FROM prediction_time_mark WHERE model = ? AND first_id <= ? ORDER BY first_id DESC LIMIT 1"),
                arguments: [model, id])
            {
                found.insert(first)
            }
        }
        return Array(found)
    }
}
