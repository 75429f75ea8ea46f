import CSQLite

/// One open SQLite database handle, with a cache of prepared statements.
///
/// Not `Sendable`: SQLite is opened in no-mutex mode, so a connection must be used by one thread
/// at a time. ``SQLiteDatabase`` is the shareable wrapper that guarantees it.
public final class SQLiteConnection {
    /// The database file.
    public let path: String
    private var handle: OpaquePointer?
    private var cache: [String: SQLiteStatement] = [:]
    private var transactionDepth = 0

    /// Opens (creating if needed) the database at `path`.
    ///
    /// - Parameters:
    ///   - path: The file to open; `:memory:` for a private in-memory database.
    ///   - busyTimeout: How long a write waits for another connection or process holding the
    ///     write lock before failing with `SQLITE_BUSY`.
    /// - Throws: ``StorageError`` with code `.sqlite` when the file cannot be opened.
    public init(path: String, busyTimeout: Duration = .seconds(60)) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StorageError(
                code: .sqlite,
                message: "Cannot open the database: \(message). Check that the directory exists and is writable.",
                resultCode: rc,
                path: path
            )
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        let (seconds, attoseconds) = busyTimeout.components
        sqlite3_busy_timeout(db, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
    }

    deinit {
        close()
    }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { transactionDepth > 0 }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_changes(handle))
    }

    /// Runs one or more SQL statements that return no rows (schema, pragmas, BEGIN/COMMIT).
    ///
    /// - Throws: ``StorageError`` naming the SQL.
    public func execute(_ sql: String) throws {
        let db = try openHandle()
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(db))
            sqlite3_free(errorMessage)
            throw error(resultCode: rc, message: message, sql: sql)
        }
    }

    /// Runs `body` with the prepared statement for `sql`, then resets it.
    ///
    /// Statements are prepared once per connection and reused. The reset matters: a statement
    /// left mid-result would hold its read snapshot open, and a later write on this connection
    /// would then fail with `SQLITE_BUSY` instead of waiting.
    ///
    /// - Throws: ``StorageError`` when the SQL does not compile, or what `body` throws.
    public func withStatement<T>(_ sql: String, _ body: (SQLiteStatement) throws -> T) throws -> T {
        let statement: SQLiteStatement
        if let cached = cache[sql] {
            statement = cached
        } else {
            statement = try prepare(sql)
            cache[sql] = statement
        }
        defer { statement.reset() }
        return try body(statement)
    }

    /// A prepared statement that is not cached (for SQL run once, such as a migration step).
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        let db = try openHandle()
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else {
            throw error(resultCode: rc, message: String(cString: sqlite3_errmsg(db)), sql: sql)
        }
        return SQLiteStatement(raw, connection: self, sql: sql)
    }

    /// Runs `body` in a transaction, committing when it returns and rolling back when it throws.
    ///
    /// The default `BEGIN IMMEDIATE` takes the write lock up front, so a writer waits for another
    /// process's write (within the busy timeout) instead of failing half-way through. Nested
    /// calls join the outer transaction.
    public func transaction<T>(immediate: Bool = true, _ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try body()
        }
        try withStatement(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED") { try $0.run() }
        transactionDepth = 1
        defer { transactionDepth = 0 }
        let result: T
        do {
            result = try body()
        } catch {
            try? withStatement("ROLLBACK") { try $0.run() }
            throw error
        }
        do {
            try withStatement("COMMIT") { try $0.run() }
        } catch {
            try? withStatement("ROLLBACK") { try $0.run() }
            throw error
        }
        return result
    }

    /// Finalizes every cached statement and closes the handle. Safe to call twice.
    public func close() {
        for statement in cache.values { statement.finalize() }
        cache.removeAll()
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    func openHandle() throws -> OpaquePointer {
        guard let handle else {
            throw StorageError(code: .sqlite, message: "The database connection is closed.", path: path)
        }
        return handle
    }

    /// Builds the error for a failed call, recognising a file that is not a database.
    func error(resultCode: Int32, message: String, sql: String?) -> StorageError {
        let primary = resultCode & 0xff
        if primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT {
            return StorageError(
                code: .corruptDatabase,
                message: "The file is not a SQLite database, or it is damaged (\(message)). "
                    + "Move it aside, or point --persist-to at another directory.",
                resultCode: resultCode,
                sql: sql,
                path: path
            )
        }
        return StorageError(code: .sqlite, message: message, resultCode: resultCode, sql: sql, path: path)
    }
}
