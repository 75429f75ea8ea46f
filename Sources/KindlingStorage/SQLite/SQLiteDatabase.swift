import Synchronization

/// A database connection that any thread may use: calls take turns on one ``SQLiteConnection``.
///
/// Local SQLite calls take microseconds, so callers (an isolate's thread, a CLI command) run
/// them synchronously under a lock rather than hopping to another executor. Waiting for
/// another *process* holding the write lock happens inside SQLite's busy handler, on the
/// caller's thread.
public final class SQLiteDatabase: Sendable {
    /// The database file.
    public let path: String
    // Safety of `Mutex<SQLiteConnection>`: the connection (opened no-mutex) is reached only
    // inside `withLock`, so one thread uses it at a time, and it never escapes the closure.
    private let connection: Mutex<SQLiteConnection>

    /// Takes ownership of an open connection.
    public init(_ connection: sending SQLiteConnection) {
        self.path = connection.path
        self.connection = Mutex(connection)
    }

    /// Runs `body` with exclusive use of the connection.
    public func withConnection<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { connection in
            try body(connection)
        }
    }

    /// Runs `body` inside a write transaction (`BEGIN IMMEDIATE`), committing on return.
    public func write<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try withConnection { connection in
            try connection.transaction { try body(connection) }
        }
    }

    /// Closes the connection; later calls fail with a clear error.
    public func close() {
        connection.withLock { $0.close() }
    }
}

/// Quoting of SQL identifiers. Table names derive from user-written namespace names, so they
/// are always quoted, never spliced raw.
public enum SQLIdentifier {
    /// `name` as a quoted identifier: `my"ns` becomes `"my""ns"`.
    public static func quote(_ name: String) -> String {
        var quoted = "\""
        for character in name {
            quoted.append(character == "\"" ? "\"\"" : String(character))
        }
        return quoted + "\""
    }
}
