import GRDB

/// The time marks of one write (table `prediction_time_mark`): per model, the row-id range the write gave it, the
/// earliest arrival among those rows and the latest. Written in the write's transaction, each extends the model's
/// newest mark while that spans fewer than ``extendBelow`` ids, else starts a new one; a mark's latest arrival is
/// the latest of all the model's rows up to its last id (so latest arrivals grow with the ids).
///
/// Why: an index on (model, arrived_at) cost every logged row an index entry; the marks cost a write one small row
/// per model, and answer the two time questions the log asks — where a time window starts
/// (``PredictionLogStore/firstIDSinceSQL``) and which rows retention may delete
/// (``PredictionLogStore/lastIDBeforeSQL``) — as row-id bounds that the (model, version) index and the table
/// walk from.
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

    /// Writes the marks (in the transaction of the rows they mark).
    func write(_ db: Database) throws {
        for (model, span) in spans {
            let newest = try Row.fetchOne(db.cachedStatement(sql: Self.newestSQL), arguments: [model])
            if let newest {
                let first: Int64 = newest[0]
                let last: Int64 = newest[1]
                let earliest: Double = newest[2]
                let latest: Double = max(newest[3], span.latest)
                if span.first > last, span.last - first < Self.extendBelow {
                    try db.cachedStatement(sql: Self.extendSQL).execute(arguments: [span.last, min(earliest, span.earliest), latest, model, first])
                } else {
                    try db.cachedStatement(sql: Self.insertSQL).execute(arguments: [model, span.first, span.last, span.earliest, latest])
                }
            } else {
                try db.cachedStatement(sql: Self.insertSQL).execute(arguments: [model, span.first, span.last, span.earliest, span.latest])
            }
        }
    }
}
