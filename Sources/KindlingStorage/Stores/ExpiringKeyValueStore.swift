import Synchronization

/// A stored value with its expiry and metadata.
public struct StoredEntry: Sendable, Hashable {
    /// The bytes as written.
    public var value: [UInt8]
    /// When the entry expires, ms since the Unix epoch; `nil` for never.
    public var expiration: Int64?
    /// The metadata's JSON text; `nil` for none.
    public var metadata: String?

    /// Creates an entry.
    public init(value: [UInt8], expiration: Int64? = nil, metadata: String? = nil) {
        self.value = value
        self.expiration = expiration
        self.metadata = metadata
    }
}

/// A key in a listing, with its expiry and metadata but not its value.
public struct StoredKey: Sendable, Hashable {
    /// The key.
    public var key: String
    /// When the entry expires, ms since the Unix epoch; `nil` for never.
    public var expiration: Int64?
    /// The metadata's JSON text; `nil` for none.
    public var metadata: String?

    /// Creates a listed key.
    public init(key: String, expiration: Int64? = nil, metadata: String? = nil) {
        self.key = key
        self.expiration = expiration
        self.metadata = metadata
    }
}

/// One namespace table of expiring key-value entries: the storage under KV (and later the
/// Cache API). Knows nothing of Cloudflare's limits or wording — that is the binding's job.
///
/// An entry whose `expiration` has passed is invisible at once to every read; a sweep deletes
/// such rows from disk, at most once per ``sweepInterval`` of clock time, inside a write.
public final class ExpiringKeyValueStore: Sendable {
    /// The table (unquoted).
    public let table: String
    /// How often (ms of clock time) a write also deletes the expired rows.
    public let sweepInterval: Int64
    private let database: SQLiteDatabase
    private let clock: any WallClock
    private let lastSweep: Mutex<Int64>
    private let sql: SQL

    /// SQL for one table, built once: identifiers quoted, every value bound.
    private struct SQL: Sendable {
        let get, put, delete, listFrom, listAfter, sweep: String

        init(table: String) {
            let t = SQLIdentifier.quote(table)
            let live = "(expiration IS NULL OR expiration > ?2)"
            get = "SELECT value, expiration, metadata FROM \(t) WHERE key = ?1 AND \(live)"
            put = """
                INSERT INTO \(t) (key, value, expiration, metadata) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, expiration = excluded.expiration,
                metadata = excluded.metadata
                """
            delete = "DELETE FROM \(t) WHERE key = ?1"
            // ?3 is the upper bound. With no prefix it is bound as a BLOB, which SQLite sorts
            // after every TEXT value, so the condition holds for all keys.
            let list =
                "SELECT key, expiration, metadata FROM \(t) WHERE key %@ ?1 AND key < ?3 AND \(live) ORDER BY key LIMIT ?4"
            listFrom = list.replacing("%@", with: ">=")
            listAfter = list.replacing("%@", with: ">")
            sweep = "DELETE FROM \(t) WHERE expiration IS NOT NULL AND expiration <= ?1"
        }
    }

    /// Opens the store over a registered table.
    ///
    /// - Parameters:
    ///   - table: The table, as the ``Catalog`` names it.
    ///   - database: The database holding it.
    ///   - clock: Calendar time for expiry.
    ///   - sweepInterval: How often (ms) a write also deletes expired rows.
    public init(table: String, database: SQLiteDatabase, clock: any WallClock, sweepInterval: Int64 = 60_000) {
        self.table = table
        self.database = database
        self.clock = clock
        self.sweepInterval = sweepInterval
        self.sql = SQL(table: table)
        self.lastSweep = Mutex(Int64.min)
    }

    /// The live entry for `key`, or `nil` when it is missing or expired.
    public func get(_ key: String) throws -> StoredEntry? {
        let now = clock.now()
        return try database.withConnection { connection in
            try read(key, now: now, connection)
        }
    }

    /// The live entries for `keys`, in the same order (`nil` where missing or expired), read
    /// in one go.
    public func get(_ keys: [String]) throws -> [StoredEntry?] {
        let now = clock.now()
        return try database.withConnection { connection in
            try keys.map { try read($0, now: now, connection) }
        }
    }

    private func read(_ key: String, now: Int64, _ connection: SQLiteConnection) throws -> StoredEntry? {
        try connection.withStatement(sql.get) { query in
            query.bind(1, key)
            query.bind(2, now)
            guard try query.step() else { return nil }
            return StoredEntry(value: query.bytes(0) ?? [], expiration: query.int64(1), metadata: query.text(2))
        }
    }

    /// Writes `entry` under `key`, replacing any previous entry, in its own transaction.
    public func put(_ key: String, _ entry: StoredEntry) throws {
        let now = clock.now()
        let sweepDue = isSweepDue(now: now)
        try database.write { connection in
            try connection.withStatement(sql.put) { statement in
                statement.bind(1, key)
                statement.bind(2, blob: entry.value)
                statement.bind(3, entry.expiration)
                statement.bind(4, entry.metadata)
                try statement.run()
            }
            if sweepDue { _ = try sweep(now: now, connection) }
        }
    }

    /// Deletes `key`. Deleting a missing key is not an error.
    ///
    /// - Returns: Whether a row was deleted (expired rows count).
    @discardableResult
    public func delete(_ key: String) throws -> Bool {
        try database.write { connection in
            try connection.withStatement(sql.delete) { statement in
                statement.bind(1, key)
                try statement.run()
            }
            return connection.changes > 0
        }
    }

    /// Live keys in UTF-8 byte order that start with `prefix` and come after `cursor`.
    ///
    /// - Parameters:
    ///   - prefix: Only keys starting with these bytes.
    ///   - cursor: Only keys after this one (the last key of the previous page).
    ///   - limit: At most this many keys.
    /// - Returns: The keys, and whether more remain after them.
    public func list(prefix: String, after cursor: String?, limit: Int) throws -> (keys: [StoredKey], hasMore: Bool) {
        let now = clock.now()
        var lower = prefix
        var inclusive = true
        if let cursor, cursor.utf8.lexicographicallyPrecedes(prefix.utf8) == false {
            lower = cursor
            inclusive = false
        }
        let upper = Self.prefixUpperBound(prefix)
        return try database.withConnection { connection in
            try connection.withStatement(inclusive ? sql.listFrom : sql.listAfter) { query in
                query.bind(1, lower)
                query.bind(2, now)
                if let upper {
                    query.bind(3, textBytes: upper)
                } else {
                    query.bind(3, blob: [])
                }
                query.bind(4, Int64(limit) + 1)
                var keys: [StoredKey] = []
                keys.reserveCapacity(min(limit, 1000) + 1)
                while try query.step() {
                    keys.append(
                        StoredKey(key: query.text(0) ?? "", expiration: query.int64(1), metadata: query.text(2))
                    )
                }
                let hasMore = keys.count > limit
                if hasMore { keys.removeLast() }
                return (keys, hasMore)
            }
        }
    }

    /// Deletes every expired row now, whatever the sweep interval.
    ///
    /// - Returns: How many rows were deleted.
    @discardableResult
    public func sweepExpired() throws -> Int {
        let now = clock.now()
        return try database.write { connection in
            try sweep(now: now, connection)
        }
    }

    private func isSweepDue(now: Int64) -> Bool {
        lastSweep.withLock { last in
            guard last == .min || now - last >= sweepInterval else { return false }
            last = now
            return true
        }
    }

    private func sweep(now: Int64, _ connection: SQLiteConnection) throws -> Int {
        try connection.withStatement(sql.sweep) { statement in
            statement.bind(1, now)
            try statement.run()
        }
        return connection.changes
    }

    /// The smallest byte string greater than every string starting with `prefix`, or `nil`
    /// when there is none (an empty prefix, or one of only 0xFF bytes).
    static func prefixUpperBound(_ prefix: String) -> [UInt8]? {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }
}
