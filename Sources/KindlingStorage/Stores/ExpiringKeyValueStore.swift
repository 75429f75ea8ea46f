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
///
/// A write is committed at once, or *deferred* (`deferred: true`): committed later with the
/// database's other deferred writes (see ``SQLiteDatabase/writeLater(_:staging:)``). Until then
/// every read through this store sees it; other connections see it once it is committed.
public final class ExpiringKeyValueStore: Sendable {
    /// The table (unquoted).
    public let table: String
    /// How often (ms of clock time) a write also deletes the expired rows.
    public let sweepInterval: Int64
    private let database: SQLiteDatabase
    private let clock: any WallClock
    private let lastSweep: Mutex<Int64>
    private let sql: SQL
    /// Deferred writes not committed yet, by key: the latest one (nil entry: a delete) and its
    /// sequence number, so a commit only clears what it wrote.
    private let staged = Mutex<[String: Staged]>([:])

    private struct Staged {
        let sequence: UInt64
        let entry: StoredEntry?
    }

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
        if let staged = staged.withLock({ $0[key] }) { return Self.live(staged.entry, now: now) }
        return try database.withConnection { connection in
            try read(key, now: now, connection)
        }
    }

    /// The live entries for `keys`, in the same order (`nil` where missing or expired), read
    /// in one go.
    public func get(_ keys: [String]) throws -> [StoredEntry?] {
        let now = clock.now()
        let pending = staged.withLock { staged in keys.map { staged[$0] } }
        return try database.withConnection { connection in
            try zip(keys, pending).map { key, staged in
                if let staged { return Self.live(staged.entry, now: now) }
                return try read(key, now: now, connection)
            }
        }
    }

    private static func live(_ entry: StoredEntry?, now: Int64) -> StoredEntry? {
        guard let entry, entry.expiration.map({ $0 > now }) ?? true else { return nil }
        return entry
    }

    private func read(_ key: String, now: Int64, _ connection: SQLiteConnection) throws -> StoredEntry? {
        try connection.withStatement(sql.get) { query in
            query.bind(1, key)
            query.bind(2, now)
            guard try query.step() else { return nil }
            return StoredEntry(value: query.bytes(0) ?? [], expiration: query.int64(1), metadata: query.text(2))
        }
    }

    /// Writes `entry` under `key`, replacing any previous entry.
    ///
    /// - Parameter deferred: Whether the write is committed later, with the database's other
    ///   deferred writes, rather than in a transaction of its own before this returns.
    public func put(_ key: String, _ entry: StoredEntry, deferred: Bool = false) throws {
        let now = clock.now()
        let sweepDue = isSweepDue(now: now)
        guard deferred else {
            return try database.write { connection in
                try upsert(key, entry, connection)
                if sweepDue { _ = try sweep(now: now, connection) }
            }
        }
        try stage(key, entry)
        if sweepDue { try database.writeLater(Sweep(store: self, now: now)) { _ in } }
    }

    /// Deletes `key`. Deleting a missing key is not an error.
    ///
    /// - Returns: Whether a row was deleted (expired rows count).
    @discardableResult
    public func delete(_ key: String) throws -> Bool {
        try database.write { connection in
            try remove(key, connection)
            return connection.changes > 0
        }
    }

    /// Deletes `key` later, with the database's other deferred writes (see ``put(_:_:deferred:)``).
    public func deleteDeferred(_ key: String) throws {
        try stage(key, nil)
    }

    /// Queues the write of `entry` (nil: a delete) and makes it visible to this store's reads.
    private func stage(_ key: String, _ entry: StoredEntry?) throws {
        try database.writeLater(Change(store: self, key: key, entry: entry)) { sequence in
            staged.withLock { $0[key] = Staged(sequence: sequence, entry: entry) }
        }
    }

    private func upsert(_ key: String, _ entry: StoredEntry, _ connection: SQLiteConnection) throws {
        try connection.withStatement(sql.put) { statement in
            statement.bind(1, key)
            statement.bind(2, blob: entry.value)
            statement.bind(3, entry.expiration)
            statement.bind(4, entry.metadata)
            try statement.run()
        }
    }

    private func remove(_ key: String, _ connection: SQLiteConnection) throws {
        try connection.withStatement(sql.delete) { statement in
            statement.bind(1, key)
            try statement.run()
        }
    }

    /// A deferred put or delete of one key.
    private struct Change: DeferredWrite {
        let store: ExpiringKeyValueStore
        let key: String
        let entry: StoredEntry?

        var target: DeferredWriteTarget { DeferredWriteTarget(table: store.table, key: key) }

        func apply(_ connection: SQLiteConnection) throws {
            if let entry {
                try store.upsert(key, entry, connection)
            } else {
                try store.remove(key, connection)
            }
        }

        /// Committed (or lost): reads go to the table again, unless a later write is staged.
        func settled(sequence: UInt64) {
            store.staged.withLock { staged in
                if staged[key]?.sequence == sequence { staged[key] = nil }
            }
        }
    }

    /// A deferred sweep of expired rows, after the writes queued before it.
    private struct Sweep: DeferredWrite {
        let store: ExpiringKeyValueStore
        let now: Int64

        var target: DeferredWriteTarget { DeferredWriteTarget(table: store.table, key: nil) }

        func apply(_ connection: SQLiteConnection) throws {
            _ = try store.sweep(now: now, connection)
        }

        func settled(sequence: UInt64) {}
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
        // A scan sees deferred writes once they are committed: no overlay can answer it.
        return try database.withCommittedConnection { connection in
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
