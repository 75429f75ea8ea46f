public import KindlingMigrations

/// Applies the numbered `.sql` files of `Migrations/` to a database, in order, once each.
///
/// Fixed-schema stores (`kindling`) are recorded in `kindling_migrations`. Template stores
/// (`kv`) are applied per namespace table, and the catalog's `schema_version` records how far
/// each table has come. A database holding a migration this build does not know was written
/// by a newer Kindling: it is refused before anything is written to it.
public struct Migrator: Sendable {
    /// The migrations this Kindling knows (all of `Migrations/` unless a test narrows them).
    public let migrations: [Migration]
    /// Stores whose migrations run once per database.
    public static let fixedStores = ["kindling"]

    /// Creates a migrator over `migrations`.
    public init(migrations: [Migration] = MigrationCatalog.all) {
        self.migrations = migrations.sorted { ($0.store, $0.id) < ($1.store, $1.id) }
    }

    /// The migrations of one store, in order.
    public func migrations(for store: String) -> [Migration] {
        migrations.filter { $0.store == store }
    }

    /// Refuses a newer database, then applies pending fixed-schema migrations (one transaction
    /// each) and brings every registered namespace table up to date.
    ///
    /// - Throws: ``StorageError`` `.newerDatabase` (nothing written), `.corruptDatabase`, `.sqlite`.
    public func migrate(_ connection: SQLiteConnection, now: Int64) throws {
        try refuseNewerDatabase(connection)
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS kindling_migrations (
                store TEXT NOT NULL,
                id INTEGER NOT NULL,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at INTEGER NOT NULL,
                PRIMARY KEY (store, id)
            ) WITHOUT ROWID
            """
        )
        for store in Self.fixedStores {
            for migration in migrations(for: store) {
                try connection.transaction {
                    // Checked inside the write lock: another process may have applied it meanwhile.
                    guard try !isApplied(migration, connection) else { return }
                    try connection.execute(migration.sql)
                    try connection.withStatement(
                        "INSERT INTO kindling_migrations (store, id, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                    ) { record in
                        record.bind(1, migration.store)
                        record.bind(2, Int64(migration.id))
                        record.bind(3, migration.name)
                        record.bind(4, migration.checksum)
                        record.bind(5, now)
                        try record.run()
                    }
                }
            }
        }
        for entry in try Catalog.entries(in: connection) {
            try connection.transaction {
                try upgradeTable(kind: entry.kind, name: entry.name, connection)
            }
        }
    }

    /// Applies the pending template migrations of `kind` to one registered namespace table.
    /// Runs inside the caller's transaction.
    func upgradeTable(kind: String, name: String, _ connection: SQLiteConnection) throws {
        guard let entry = try Catalog.entry(kind: kind, name: name, in: connection) else { return }
        let pending = migrations(for: kind).filter { $0.id > entry.schemaVersion }
        guard let last = pending.last else { return }
        for migration in pending {
            try connection.execute(Self.instantiate(migration.sql, table: entry.tableName))
        }
        try connection.withStatement("UPDATE kindling_catalog SET schema_version = ?1 WHERE kind = ?2 AND name = ?3") {
            update in
            update.bind(1, Int64(last.id))
            update.bind(2, kind)
            update.bind(3, name)
            try update.run()
        }
    }

    /// Fills a template: `{{table}}` becomes the quoted table name, `{{index:x}}` the quoted
    /// name of that table's index `x`, `"<table>:x"`. Index names share one space with table
    /// names, and a table name never holds `:`, so these cannot collide with another table.
    static func instantiate(_ sql: String, table: String) -> String {
        var result = sql.replacing("{{table}}", with: SQLIdentifier.quote(table))
        while let open = result.firstRange(of: "{{index:"),
            let close = result[open.upperBound...].firstRange(of: "}}")
        {
            let suffix = result[open.upperBound..<close.lowerBound]
            result.replaceSubrange(open.lowerBound..<close.upperBound, with: SQLIdentifier.quote("\(table):\(suffix)"))
        }
        return result
    }

    private func isApplied(_ migration: Migration, _ connection: SQLiteConnection) throws -> Bool {
        try connection.withStatement("SELECT 1 FROM kindling_migrations WHERE store = ?1 AND id = ?2") { query in
            query.bind(1, migration.store)
            query.bind(2, Int64(migration.id))
            return try query.step()
        }
    }

    /// Read-only check that every recorded migration is one this build knows.
    public func refuseNewerDatabase(_ connection: SQLiteConnection) throws {
        let present = try connection.withStatement(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('kindling_migrations', 'kindling_catalog')"
        ) { tables in
            var present: Set<String> = []
            while try tables.step() {
                if let name = tables.text(0) { present.insert(name) }
            }
            return present
        }
        // (store, highest id) pairs: applied fixed migrations, and template versions of tables.
        var recorded: [(store: String, id: Int)] = []
        for (table, sql) in [
            ("kindling_migrations", "SELECT store, max(id) FROM kindling_migrations GROUP BY store"),
            ("kindling_catalog", "SELECT kind, max(schema_version) FROM kindling_catalog GROUP BY kind"),
        ] where present.contains(table) {
            try connection.withStatement(sql) { query in
                while try query.step() {
                    recorded.append((query.text(0) ?? "", Int(query.int64(1) ?? 0)))
                }
            }
        }
        for (store, id) in recorded {
            let known = migrations(for: store)
            guard let newest = known.last, id <= newest.id else {
                let knownText =
                    known.last.map { "up to \($0.fileName)" } ?? "no \(store) migrations at all"
                throw StorageError(
                    code: .newerDatabase,
                    message: "\(connection.path) was written by a newer Kindling: it is at migration "
                        + "\(store)/\(Self.padded(id)), but this Kindling knows \(knownText). "
                        + "Upgrade Kindling, or use another persistence directory. The file was left unchanged.",
                    path: connection.path
                )
            }
        }
    }

    static func padded(_ id: Int) -> String {
        let digits = String(id)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
