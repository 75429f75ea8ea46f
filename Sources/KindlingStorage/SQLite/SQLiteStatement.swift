import CSQLite

/// A prepared statement: bind values by 1-based index, then ``step()`` through the rows.
///
/// Belongs to one ``SQLiteConnection`` and shares its confinement. Values are always bound,
/// never spliced into SQL.
public final class SQLiteStatement {
    private var handle: OpaquePointer?
    private unowned let connection: SQLiteConnection
    /// The SQL this statement runs.
    public let sql: String

    init(_ handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit {
        finalize()
    }

    func finalize() {
        if let handle {
            sqlite3_finalize(handle)
            self.handle = nil
        }
    }

    /// Resets the statement to run again and clears its bindings.
    public func reset() {
        guard let handle else { return }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Binding

    /// Binds text, or NULL for `nil`.
    public func bind(_ index: Int32, _ value: String?) {
        guard let handle else { return }
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            bindText(handle, index, bytes)
        }
    }

    /// Binds raw bytes as TEXT: SQLite compares TEXT bytewise, so this can bind a bound for a
    /// byte-order range scan even when the bytes are not valid UTF-8.
    public func bind(_ index: Int32, textBytes: [UInt8]) {
        guard let handle else { return }
        textBytes.withUnsafeBufferPointer { bytes in
            bindText(handle, index, bytes)
        }
    }

    private func bindText(_ handle: OpaquePointer, _ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        if let base = bytes.baseAddress, !bytes.isEmpty {
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                _ = kindling_sqlite3_bind_text_transient(handle, index, chars, Int32(bytes.count))
            }
        } else {
            _ = kindling_sqlite3_bind_text_transient(handle, index, "", 0)
        }
    }

    /// Binds an integer, or NULL for `nil`.
    public func bind(_ index: Int32, _ value: Int64?) {
        guard let handle else { return }
        if let value {
            sqlite3_bind_int64(handle, index, value)
        } else {
            sqlite3_bind_null(handle, index)
        }
    }

    /// Binds bytes as a BLOB (an empty array is an empty blob, not NULL).
    public func bind(_ index: Int32, blob: [UInt8]) {
        guard let handle else { return }
        blob.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress, !bytes.isEmpty {
                _ = kindling_sqlite3_bind_blob_transient(handle, index, base, Int32(bytes.count))
            } else {
                _ = sqlite3_bind_zeroblob(handle, index, 0)
            }
        }
    }

    // MARK: Running

    /// Advances to the next row: `true` when a row is ready to read, `false` when done.
    ///
    /// - Throws: ``StorageError`` with SQLite's code and this statement's SQL.
    @discardableResult
    public func step() throws -> Bool {
        let handle = try liveHandle()
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            let db = try connection.openHandle()
            let message = String(cString: sqlite3_errmsg(db))
            sqlite3_reset(handle)
            throw connection.error(resultCode: rc, message: message, sql: sql)
        }
    }

    /// Runs the statement to completion, ignoring any rows.
    public func run() throws {
        while try step() {}
    }

    private func liveHandle() throws -> OpaquePointer {
        guard let handle else {
            throw StorageError(code: .sqlite, message: "The statement was finalized.", sql: sql, path: connection.path)
        }
        return handle
    }

    // MARK: Reading the current row (0-based columns)

    /// How many columns each row has.
    public var columnCount: Int32 {
        guard let handle else { return 0 }
        return sqlite3_column_count(handle)
    }

    /// Whether the column is NULL.
    public func isNull(_ column: Int32) -> Bool {
        guard let handle else { return true }
        return sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// The column as an integer, `nil` when NULL.
    public func int64(_ column: Int32) -> Int64? {
        guard let handle, sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
        return sqlite3_column_int64(handle, column)
    }

    /// The column as text, `nil` when NULL. Embedded NUL characters are kept.
    public func text(_ column: Int32) -> String? {
        guard let handle, sqlite3_column_type(handle, column) != SQLITE_NULL,
            let pointer = sqlite3_column_text(handle, column)
        else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The column as bytes (text or blob), `nil` when NULL.
    public func bytes(_ column: Int32) -> [UInt8]? {
        guard let handle, sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
