internal import FoundationEssentials
internal import Glibc
internal import Synchronization

/// The engine's state in SQLite: containers (config and state), exec sessions, images, layers, events.
///
/// WAL mode with a busy timeout, so several processes can use one database; every change runs in one transaction.
final class StateStore: Sendable {
    private let database: Mutex<SQLiteDatabase>
    /// Containers decoded so far, by id, with the JSON they were decoded from: a row whose text is unchanged is not
    /// decoded again (listing a thousand containers was mostly JSONDecoder's work).
    let decodedContainers = Mutex<[String: (config: String, state: String, record: ContainerRecord)]>([:])
    /// A file rewritten after every commit that appended events: followers watch it with inotify (the WAL itself
    /// changes before the commit is visible to readers).
    let eventsBell: String

    /// Each migration brings the schema to the next version; `schema_version` records how far a database got.
    static let migrations: [String] = [
        """
        CREATE TABLE containers (
            id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, image_id TEXT NOT NULL,
            config TEXT NOT NULL, state TEXT NOT NULL, created REAL NOT NULL);
        CREATE TABLE exec_sessions (
            id TEXT PRIMARY KEY, container_id TEXT NOT NULL, session TEXT NOT NULL);
        CREATE INDEX exec_sessions_container ON exec_sessions(container_id);
        CREATE TABLE layers (
            diff_id TEXT PRIMARY KEY, size INTEGER NOT NULL, compressed_digest TEXT);
        CREATE TABLE images (
            id TEXT PRIMARY KEY, record TEXT NOT NULL, created REAL NOT NULL);
        CREATE TABLE image_names (name TEXT PRIMARY KEY, image_id TEXT NOT NULL);
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, time REAL NOT NULL, kind TEXT NOT NULL, action TEXT NOT NULL,
            id TEXT NOT NULL, name TEXT NOT NULL, attributes TEXT NOT NULL);
        CREATE INDEX events_time ON events(time);
        """,
        """
        CREATE TABLE engine_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
        """
        CREATE TABLE networks (name TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, record TEXT NOT NULL);
        """,
    ]

    /// Opens the database at `path`, creating it and applying migrations as needed.
    init(path: String) throws(EngineError) {
        eventsBell = path + ".events"
        let db = try SQLiteDatabase(path: path)
        try db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        try db.transaction { () throws(EngineError) in
            let rows = try db.query("SELECT version FROM schema_version")
            var version = Int(rows.first?.first?.integer ?? 0)
            if rows.isEmpty { try db.run("INSERT INTO schema_version (version) VALUES (0)") }
            while version < Self.migrations.count {
                try db.execute(Self.migrations[version])
                version += 1
                try db.run("UPDATE schema_version SET version = ?", .integer(Int64(version)))
            }
        }
        database = Mutex(db)
    }

    /// Runs `body` with the database, in one transaction.
    func write<T: Sendable>(_ body: (SQLiteDatabase) throws(EngineError) -> T) throws(EngineError) -> T {
        let (value, ring) = try database.withLock { (db) throws(EngineError) -> (T, Bool) in
            db.eventsAppended = false
            let value = try db.transaction { () throws(EngineError) -> T in try body(db) }
            defer { db.eventsAppended = false }
            return (value, db.eventsAppended)
        }
        if ring { ringEventsBell() }
        return value
    }

    private func ringEventsBell() {
        let fd = open(eventsBell, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        var byte: UInt8 = 0x2a
        _ = pwrite(fd, &byte, 1, 0)
        close(fd)
    }

    /// Runs `body` with the database for reading.
    func read<T: Sendable>(_ body: (SQLiteDatabase) throws(EngineError) -> T) throws(EngineError) -> T {
        try database.withLock { (db) throws(EngineError) -> T in try body(db) }
    }

    // MARK: JSON

    static func encode<T: Encodable>(_ value: T) throws(EngineError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        } catch {
            throw .internalError("encode: \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws(EngineError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data((text ?? "").utf8))
        } catch {
            throw .internalError("decode \(T.self): \(error)")
        }
    }

    // MARK: Meta

    /// Ties the store to the run root it is used with, refusing another: the run root holds the containers'
    /// runtime state (runc's root, conmon's exit files), so a second run root over the same store would take
    /// running containers for ones a reboot stopped, and start them again.
    func bind(runRoot: String) throws(EngineError) {
        if let recorded = try meta("run_root") {
            guard recorded == runRoot else {
                throw .invalidArgument("run_root", "this storage is used with the run root \(recorded), not \(runRoot)")
            }
        } else {
            try setMeta("run_root", runRoot)
        }
    }

    /// A value of the engine's own key/value table.
    func meta(_ key: String) throws(EngineError) -> String? {
        try read { (db) throws(EngineError) in
            try db.query("SELECT value FROM engine_meta WHERE key = ?", .text(key)).first?.first?.text
        }
    }

    /// Sets a value of the engine's own key/value table.
    func setMeta(_ key: String, _ value: String) throws(EngineError) {
        try write { (db) throws(EngineError) in
            _ = try db.run(
                "INSERT INTO engine_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                .text(key), .text(value))
        }
    }

    // MARK: Events

    /// Appends an event inside the caller's transaction.
    static func appendEvent(
        _ db: SQLiteDatabase, kind: EngineEvent.Kind, action: EngineEvent.Action, id: String, name: String,
        attributes: [String: String] = [:]
    ) throws(EngineError) {
        db.eventsAppended = true
        try db.run(
            "INSERT INTO events (time, kind, action, id, name, attributes) VALUES (?, ?, ?, ?, ?, ?)",
            .real(Date().timeIntervalSince1970), .text(kind.rawValue), .text(action.rawValue), .text(id), .text(name),
            .text(try encode(attributes)))
    }

    /// The sequence number of the newest event (0 when none).
    func lastEventSequence() throws(EngineError) -> Int64 {
        try read { (db) throws(EngineError) in
            try db.query("SELECT COALESCE(MAX(seq), 0) FROM events").first?.first?.integer ?? 0
        }
    }

    /// Events matching `filter` (and newer than sequence `after`), oldest first.
    func events(_ filter: EventFilter, after: Int64 = 0) throws(EngineError) -> [EngineEvent] {
        var sql = "SELECT seq, time, kind, action, id, name, attributes FROM events WHERE seq > ?"
        var values: [SQLiteValue] = [.integer(after)]
        if let since = filter.since {
            sql += " AND time >= ?"
            values.append(.real(since.timeIntervalSince1970))
        }
        if let until = filter.until {
            sql += " AND time < ?"
            values.append(.real(until.timeIntervalSince1970))
        }
        if let subject = filter.subject {
            sql += " AND (id = ? OR name = ?)"
            values += [.text(subject), .text(subject)]
        }
        sql += " ORDER BY seq"
        let rows = try read { (db) throws(EngineError) in try db.query(sql, values) }
        var events: [EngineEvent] = []
        for row in rows {
            guard case .integer(let seq) = row[0], case .real(let time) = row[1],
                let kind = EngineEvent.Kind(rawValue: row[2].text ?? "")
            else { continue }
            let action = EngineEvent.Action(rawValue: row[3].text ?? "")
            if !filter.kinds.isEmpty && !filter.kinds.contains(kind) { continue }
            if !filter.actions.isEmpty && !filter.actions.contains(action) { continue }
            events.append(
                EngineEvent(
                    sequence: seq, time: Date(timeIntervalSince1970: time), kind: kind, action: action,
                    id: row[4].text ?? "", name: row[5].text ?? "",
                    attributes: try Self.decode([String: String].self, row[6].text)))
        }
        return events
    }
}
