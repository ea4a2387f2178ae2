internal import CSQLite
internal import Glibc

/// A value bound to or read from an SQLite statement.
enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    var text: String? { if case .text(let s) = self { s } else { nil } }
    var integer: Int64? { if case .integer(let i) = self { i } else { nil } }
}

/// A thin wrapper over one SQLite connection: WAL, a busy timeout, prepared statements, transactions.
///
/// Not thread-safe by itself (hence unchecked): ``StateStore`` only touches it under its mutex.
final class SQLiteDatabase: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var cache: [String: OpaquePointer] = [:]
    let path: String
    /// Set when a transaction appended events; ``StateStore`` rings the events bell after the commit.
    var eventsAppended = false

    /// Opens (creating) the database at `path` in WAL mode with a busy timeout.
    init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws(EngineError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw .internalError("cannot open database \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        for statement in cache.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    private func error(_ what: String) -> EngineError {
        .internalError("\(what): \(String(cString: sqlite3_errmsg(handle)))")
    }

    /// Runs one or more statements without parameters.
    func execute(_ sql: String) throws(EngineError) {
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw .internalError("sql \(sql.prefix(60)): \(text)")
        }
    }

    private func prepare(_ sql: String) throws(EngineError) -> OpaquePointer {
        if let statement = cache[sql] {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            return statement
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw error("prepare \(sql.prefix(60))")
        }
        cache[sql] = statement
        return statement
    }

    private func bind(_ statement: OpaquePointer, _ values: [SQLiteValue]) throws(EngineError) {
        for (index, value) in values.enumerated() {
            let i = Int32(index + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, i)
            case .integer(let v): rc = sqlite3_bind_int64(statement, i, v)
            case .real(let v): rc = sqlite3_bind_double(statement, i, v)
            case .text(let v): rc = sqlite3_bind_text(statement, i, v, -1, csqlite_transient())
            case .blob(let v):
                rc = v.withUnsafeBytes {
                    sqlite3_bind_blob(statement, i, $0.baseAddress, Int32($0.count), csqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw error("bind") }
        }
    }

    /// Runs a statement that returns no rows; returns the number of changed rows.
    @discardableResult
    func run(_ sql: String, _ values: SQLiteValue...) throws(EngineError) -> Int {
        let statement = try prepare(sql)
        defer { sqlite3_reset(statement) }
        try bind(statement, values)
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
            if rc == SQLITE_CONSTRAINT {
                throw EngineError(code: .internalError, message: "constraint", subject: "constraint")
            }
            throw error("step \(sql.prefix(60))")
        }
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and returns every row as an array of values.
    func query(_ sql: String, _ values: SQLiteValue...) throws(EngineError) -> [[SQLiteValue]] {
        try query(sql, values)
    }

    /// Runs a query and returns every row as an array of values.
    func query(_ sql: String, _ values: [SQLiteValue]) throws(EngineError) -> [[SQLiteValue]] {
        let statement = try prepare(sql)
        defer { sqlite3_reset(statement) }
        try bind(statement, values)
        var rows: [[SQLiteValue]] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error("step \(sql.prefix(60))") }
            let count = sqlite3_column_count(statement)
            var row: [SQLiteValue] = []
            row.reserveCapacity(Int(count))
            for column in 0..<count {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_TEXT: row.append(.text(String(cString: sqlite3_column_text(statement, column))))
                case SQLITE_BLOB:
                    let n = Int(sqlite3_column_bytes(statement, column))
                    if n > 0, let p = sqlite3_column_blob(statement, column) {
                        row.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: n))))
                    } else {
                        row.append(.blob([]))
                    }
                default: row.append(.null)
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, committed when it returns and rolled back when it throws.
    func transaction<T>(_ body: () throws(EngineError) -> T) throws(EngineError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
