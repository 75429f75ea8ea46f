internal import Foundation
public import KindlingMigrations

/// A persistence root: the directory whose `kindling.sqlite` holds the catalog and every KV
/// namespace (later also Durable Object storage and workflow state).
///
/// Without a directory, the same code runs on a temporary root that ``shutdown()`` deletes.
/// Several `Persistence` values, in one process or several, may share a root: the file is in
/// WAL mode, and writers wait for each other within the busy timeout.
public final class Persistence: Sendable {
    /// The directory holding the files.
    public let rootPath: String
    /// Whether ``shutdown()`` deletes ``rootPath``.
    public let isTemporary: Bool
    /// `kindling.sqlite`, migrated to this build's schema.
    public let database: SQLiteDatabase
    /// The migrations this root was opened with.
    public let migrator: Migrator
    /// The clock stores under this root read.
    public let clock: any WallClock

    /// The main database file's name inside a root.
    public static let databaseFileName = "kindling.sqlite"

    private init(
        rootPath: String, isTemporary: Bool, migrator: Migrator, clock: any WallClock, commitDelay: Duration
    ) throws {
        self.rootPath = rootPath
        self.isTemporary = isTemporary
        self.migrator = migrator
        self.clock = clock
        let connection = try SQLiteConnection(path: rootPath + "/" + Self.databaseFileName)
        do {
            try migrator.refuseNewerDatabase(connection)
            try Self.retryingWhileBusy {
                // WAL lets readers and one writer work at once, across processes. synchronous=NORMAL
                // keeps every commit durable against a killed process (not against power loss).
                try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
                try migrator.migrate(connection, now: clock.now())
            }
        } catch {
            connection.close()
            throw error
        }
        self.database = SQLiteDatabase(connection, commitDelay: commitDelay)
    }

    /// Runs `body` again while SQLite answers "database is locked" for a step the busy timeout
    /// does not cover: switching a brand-new file to WAL while another process opens it too.
    /// Gives up after about a minute, like the busy timeout.
    static func retryingWhileBusy(_ body: () throws -> Void) throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                return try body()
            } catch let error as StorageError where error.isBusy && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
    }

    /// Opens (creating if needed) the persistence root at `path`.
    ///
    /// ```swift
    /// let persistence = try Persistence.open(root: ".kindling")
    /// defer { persistence.shutdown() }
    /// ```
    ///
    /// - Parameters:
    ///   - path: The directory; created with its parents when missing.
    ///   - migrations: The schema to apply; tests narrow it to stand for an older Kindling.
    ///   - clock: Calendar time for expiry.
    ///   - commitDelay: How long a deferred write waits at most for its commit (see
    ///     ``SQLiteDatabase/writeLater(_:staging:)``).
    /// - Throws: ``StorageError`` `.unusableRoot` when `path` is a file or cannot be created,
    ///   `.newerDatabase` when a newer Kindling wrote it (the file is left unchanged),
    ///   `.corruptDatabase` when `kindling.sqlite` is not a database.
    public static func open(
        root path: String,
        migrations: [Migration] = MigrationCatalog.all,
        clock: any WallClock = SystemClock(),
        commitDelay: Duration = .milliseconds(5)
    ) throws -> Persistence {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        try prepareDirectory(absolute)
        return try Persistence(
            rootPath: absolute,
            isTemporary: false,
            migrator: Migrator(migrations: migrations),
            clock: clock,
            commitDelay: commitDelay
        )
    }

    /// Opens a fresh root in a new temporary directory, deleted by ``shutdown()``.
    public static func temporary(clock: any WallClock = SystemClock(), commitDelay: Duration = .milliseconds(5)) throws
        -> Persistence
    {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("kindling-\(UUID().uuidString)").path
        try prepareDirectory(path)
        return try Persistence(
            rootPath: path, isTemporary: true, migrator: Migrator(), clock: clock, commitDelay: commitDelay)
    }

    /// The path of `kindling.sqlite`.
    public var databasePath: String { database.path }

    /// Closes the database and, for a temporary root, deletes the directory. Safe to call twice.
    public func shutdown() {
        database.close()
        if isTemporary {
            try? FileManager.default.removeItem(atPath: rootPath)
        }
    }

    private static func prepareDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw StorageError(
                    code: .unusableRoot,
                    message:
                        "The persistence directory \(path) is a file. Pass a directory, e.g. --persist-to .kindling",
                    path: path
                )
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StorageError(
                code: .unusableRoot,
                message: "Cannot create the persistence directory \(path): \(error.localizedDescription)",
                path: path
            )
        }
    }
}
