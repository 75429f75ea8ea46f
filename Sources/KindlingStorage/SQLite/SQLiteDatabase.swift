internal import Dispatch
import Synchronization

/// A database connection that any thread may use: calls take turns on one ``SQLiteConnection``.
///
/// Local SQLite calls take microseconds, so callers (an isolate's thread, a CLI command) run
/// them synchronously under a lock rather than hopping to another executor. Waiting for
/// another *process* holding the write lock happens inside SQLite's busy handler, on the
/// caller's thread.
///
/// Writes can also be *deferred* (``writeLater(_:staging:)``): acknowledged at once and committed
/// together later — by ``commitPendingWrites()`` (Kindling's output gate calls it before a
/// response leaves), by the next write that commits at once, or at the latest ``commitDelay``
/// after the first of them. Each deferred write keeps what it wrote visible to its store's
/// readers (its overlay) until it is committed; a crash before then loses it.
public final class SQLiteDatabase: Sendable {
    /// The database file.
    public let path: String
    /// How long a deferred write waits at most for a commit that something else asks for.
    public let commitDelay: Duration
    // Safety of `Mutex<SQLiteConnection>`: the connection (opened no-mutex) is reached only
    // inside `withLock`, so one thread uses it at a time, and it never escapes the closure.
    private let connection: Mutex<SQLiteConnection>
    private let pending = Mutex(Pending())
    /// Whether `pending` holds writes: read without the lock, so a request that wrote nothing
    /// passes the output gate for the price of one atomic load.
    private let hasPending = Atomic<Bool>(false)
    private let errorHandler = Mutex<(@Sendable (StorageError) -> Void)?>(nil)

    private struct Pending {
        var writes: [(sequence: UInt64, write: any DeferredWrite)] = []
        var sequence: UInt64 = 0
        var timerArmed = false
        var closed = false
    }

    /// Takes ownership of an open connection.
    public init(_ connection: sending SQLiteConnection, commitDelay: Duration = .milliseconds(5)) {
        self.path = connection.path
        self.commitDelay = commitDelay
        self.connection = Mutex(connection)
    }

    /// Runs `body` with exclusive use of the connection.
    public func withConnection<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { connection in
            try body(connection)
        }
    }

    /// Runs `body` with exclusive use of the connection once every deferred write is committed
    /// (for reads that scan a table, which no overlay can answer).
    public func withCommittedConnection<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try withConnection { connection in
            do {
                try commitLocked(connection)
            } catch let error as StorageError {
                report(error)
            }
            return try body(connection)
        }
    }

    /// Runs `body` inside a write transaction (`BEGIN IMMEDIATE`), committing on return, together
    /// with the deferred writes made before it (they come first).
    public func write<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try withConnection { connection in try write(on: connection, body) }
    }

    private func write<T>(on connection: SQLiteConnection, _ body: (SQLiteConnection) throws -> T) throws -> T {
        let batch = takePending()
        do {
            let result = try connection.transaction {
                try Self.apply(batch, connection)
                return try body(connection)
            }
            Self.settle(batch)
            return result
        } catch {
            Self.settle(batch)
            if !batch.isEmpty, let error = error as? StorageError { report(error) }
            throw error
        }
    }

    /// Queues `write` to be committed later; `staging` runs under the queue's lock with the
    /// write's sequence number (larger is later), so a store can make the write visible to its
    /// readers in the order the writes will be committed.
    ///
    /// - Throws: ``StorageError`` when the database is closed.
    public func writeLater(_ write: any DeferredWrite, staging: (UInt64) -> Void) throws {
        let armTimer = try pending.withLock { pending in
            guard !pending.closed else { throw closedError }
            pending.sequence += 1
            staging(pending.sequence)
            pending.writes.append((pending.sequence, write))
            hasPending.store(true, ordering: .releasing)
            defer { pending.timerArmed = true }
            return !pending.timerArmed
        }
        if armTimer { scheduleCommit() }
    }

    /// Commits every deferred write now, in one transaction; nothing to do costs one atomic load.
    ///
    /// - Throws: ``StorageError`` when the commit fails (it goes to ``onCommitError(_:)`` too): the
    ///   writes it held are lost (their stores' readers stop seeing them), as a write that failed
    ///   at once would be.
    public func commitPendingWrites() throws {
        guard hasPending.load(ordering: .acquiring) else { return }
        do {
            try withConnection { connection in try commitLocked(connection) }
        } catch let error as StorageError {
            report(error)
            throw error
        }
    }

    /// Where failures of commits nobody waits for go (the timer's, and those a write or a scan
    /// made on the way): Kindling logs them.
    public func onCommitError(_ handler: @escaping @Sendable (StorageError) -> Void) {
        errorHandler.withLock { $0 = handler }
    }

    /// Commits the deferred writes, then closes the connection; later calls fail with a clear
    /// error.
    public func close() {
        connection.withLock { connection in
            pending.withLock { $0.closed = true }
            do {
                try commitLocked(connection)
            } catch let error as StorageError {
                report(error)
            } catch {}
            connection.close()
        }
    }

    // MARK: Deferred writes

    /// Commits what is pending; the caller holds the connection, so batches commit in order.
    private func commitLocked(_ connection: SQLiteConnection) throws {
        let batch = takePending()
        guard !batch.isEmpty else { return }
        defer { Self.settle(batch) }
        try connection.transaction { try Self.apply(batch, connection) }
    }

    private typealias Batch = [(sequence: UInt64, write: any DeferredWrite)]

    private func takePending() -> Batch {
        pending.withLock { pending in
            hasPending.store(false, ordering: .relaxed)
            defer { pending.writes = [] }
            return pending.writes
        }
    }

    /// Applies `batch` in order, skipping a write that a later one in the batch replaces.
    private static func apply(_ batch: Batch, _ connection: SQLiteConnection) throws {
        if batch.count == 1 { return try batch[0].write.apply(connection) }
        var last: [DeferredWriteTarget: Int] = [:]
        for (index, item) in batch.enumerated() { last[item.write.target] = index }
        for (index, item) in batch.enumerated() where last[item.write.target] == index {
            try item.write.apply(connection)
        }
    }

    private static func settle(_ batch: Batch) {
        for item in batch { item.write.settled(sequence: item.sequence) }
    }

    private func scheduleCommit() {
        let (seconds, attoseconds) = commitDelay.components
        let delay = DispatchTimeInterval.nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        Self.timerQueue.asyncAfter(deadline: .now() + delay) { [weak self] in self?.timerFired() }
    }

    /// A queue of its own for the commit timer: on Linux `DispatchQueue.global()` shares its two-thread width with
    /// Swift's cooperative pool, so tasks blocking there could hold a commit back for seconds; a serial queue gets
    /// a thread of its own when it needs one.
    private static let timerQueue = DispatchQueue(label: "kindling.storage.commit-timer")

    private func timerFired() {
        // A failure has gone to the error handler.
        try? commitPendingWrites()
        let again = pending.withLock { pending in
            pending.timerArmed = !pending.writes.isEmpty && !pending.closed
            return pending.timerArmed
        }
        if again { scheduleCommit() }
    }

    private func report(_ error: StorageError) {
        errorHandler.withLock { $0 }?(error)
    }

    private var closedError: StorageError {
        StorageError(code: .sqlite, message: "The database connection is closed.", path: path)
    }
}

/// A write acknowledged before it is committed (see ``SQLiteDatabase/writeLater(_:staging:)``).
public protocol DeferredWrite: Sendable {
    /// What the write replaces: of several writes to one target in a batch, only the last is applied.
    var target: DeferredWriteTarget { get }
    /// Writes to the database, inside the batch's transaction.
    func apply(_ connection: SQLiteConnection) throws
    /// Called once the batch holding the write (queued as `sequence`) was committed, or failed:
    /// it is no longer pending.
    func settled(sequence: UInt64)
}

/// What a deferred write replaces as a whole: a row (a table and a key), or a whole table's
/// worth of one kind of change (`key` nil, e.g. a sweep of expired rows).
public struct DeferredWriteTarget: Hashable, Sendable {
    public var table: String
    public var key: String?

    public init(table: String, key: String?) {
        self.table = table
        self.key = key
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
