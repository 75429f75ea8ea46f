import CSQLite
import Foundation

/// The baseline: SQLite's C API with nothing of ours in between, on a table shaped like a KV
/// namespace and a file opened with the same pragmas as a persistence root.
final class RawSQLite {
    private var db: OpaquePointer?
    private var select: OpaquePointer?
    private var insert: OpaquePointer?
    private var upsert: OpaquePointer?
    private var begin: OpaquePointer?
    private var commit: OpaquePointer?

    init(path: String) {
        precondition(sqlite3_open(path, &db) == SQLITE_OK, "cannot open \(path)")
        exec("PRAGMA journal_mode = WAL")
        exec("PRAGMA synchronous = NORMAL")
        exec("CREATE TABLE entries (key TEXT NOT NULL PRIMARY KEY, value BLOB NOT NULL, expiration INTEGER, metadata TEXT)")
        select = prepare("SELECT value, expiration, metadata FROM entries WHERE key = ?1")
        begin = prepare("BEGIN IMMEDIATE")
        commit = prepare("COMMIT")
        insert = prepare("INSERT INTO entries (key, value, expiration, metadata) VALUES (?1, ?2, NULL, NULL)")
        upsert = prepare(
            "INSERT INTO entries (key, value, expiration, metadata) VALUES (?1, ?2, NULL, NULL) "
                + "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
    }

    deinit {
        sqlite3_finalize(select)
        sqlite3_finalize(insert)
        sqlite3_finalize(upsert)
        sqlite3_finalize(begin)
        sqlite3_finalize(commit)
        sqlite3_close(db)
    }

    /// A prepared point-select that reads the value's bytes out, as a `get` must.
    func get(_ key: String) -> [UInt8]? {
        defer { sqlite3_reset(select) }
        sqlite3_bind_text(select, 1, key, -1, SQLITE_TRANSIENT)
        guard sqlite3_step(select) == SQLITE_ROW else { return nil }
        let count = Int(sqlite3_column_bytes(select, 0))
        guard let pointer = sqlite3_column_blob(select, 0) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// A single-row insert in its own transaction.
    func put(_ key: String, _ value: [UInt8]) {
        write(insert, key, value)
    }

    /// A single-row insert-or-replace in its own transaction (a KV put over an existing key).
    func overwrite(_ key: String, _ value: [UInt8]) {
        write(upsert, key, value)
    }

    private func write(_ statement: OpaquePointer?, _ key: String, _ value: [UInt8]) {
        step(begin)
        sqlite3_bind_text(statement, 1, key, -1, SQLITE_TRANSIENT)
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement, 2, bytes.baseAddress, Int32(bytes.count), SQLITE_TRANSIENT)
        }
        step(statement)
        step(commit)
    }

    private func step(_ statement: OpaquePointer?) {
        precondition(sqlite3_step(statement) == SQLITE_DONE, String(cString: sqlite3_errmsg(db)))
        sqlite3_reset(statement)
    }

    private func exec(_ sql: String) {
        precondition(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
    }

    private func prepare(_ sql: String) -> OpaquePointer? {
        var statement: OpaquePointer?
        precondition(sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK)
        return statement
    }
}

/// `SQLITE_TRANSIENT` as Swift can spell it: SQLite copies the bound bytes.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
