/// One namespace's row in `kindling_catalog`: which table holds it.
public struct CatalogEntry: Sendable, Hashable {
    /// The binding kind: `kv`, later `do`, `workflows`, …
    public let kind: String
    /// The namespace name exactly as the user wrote it.
    public let name: String
    /// The table holding the namespace (unquoted).
    public let tableName: String
    /// The last template migration of `kind` applied to the table.
    public let schemaVersion: Int
    /// When the namespace was first used, ms since the Unix epoch.
    public let createdAt: Int64
}

/// The map from (kind, namespace name) to table. Namespace names are arbitrary user text, so
/// the table name is derived (`kv_` + the name with anything but letters, digits and `_`
/// turned into `_`), made unique, and always quoted.
public enum Catalog {
    /// The entry for a namespace, or `nil` when it has never been used.
    public static func entry(kind: String, name: String, in connection: SQLiteConnection) throws -> CatalogEntry? {
        guard try hasCatalog(connection) else { return nil }
        return try connection.withStatement(
            "SELECT table_name, schema_version, created_at FROM kindling_catalog WHERE kind = ?1 AND name = ?2"
        ) { query in
            query.bind(1, kind)
            query.bind(2, name)
            guard try query.step() else { return nil }
            return CatalogEntry(
                kind: kind,
                name: name,
                tableName: query.text(0) ?? "",
                schemaVersion: Int(query.int64(1) ?? 0),
                createdAt: query.int64(2) ?? 0
            )
        }
    }

    /// Every registered namespace, optionally of one kind, ordered by kind then name.
    public static func entries(kind: String? = nil, in connection: SQLiteConnection) throws -> [CatalogEntry] {
        guard try hasCatalog(connection) else { return [] }
        return try connection.withStatement(
            """
            SELECT kind, name, table_name, schema_version, created_at FROM kindling_catalog
            WHERE ?1 IS NULL OR kind = ?1 ORDER BY kind, name
            """
        ) { query in
            query.bind(1, kind)
            var result: [CatalogEntry] = []
            while try query.step() {
                result.append(
                    CatalogEntry(
                        kind: query.text(0) ?? "",
                        name: query.text(1) ?? "",
                        tableName: query.text(2) ?? "",
                        schemaVersion: Int(query.int64(3) ?? 0),
                        createdAt: query.int64(4) ?? 0
                    )
                )
            }
            return result
        }
    }

    /// The entry for a namespace, creating its table from the kind's template migrations on
    /// first use. Safe against another process doing the same at the same moment.
    public static func register(
        kind: String,
        name: String,
        migrator: Migrator,
        now: Int64,
        in connection: SQLiteConnection
    ) throws -> CatalogEntry {
        if let existing = try entry(kind: kind, name: name, in: connection) {
            return existing
        }
        return try connection.transaction {
            if let existing = try entry(kind: kind, name: name, in: connection) {
                return existing
            }
            let table = try uniqueTableName(kind: kind, name: name, connection)
            try connection.withStatement(
                """
                INSERT INTO kindling_catalog (kind, name, table_name, schema_version, created_at)
                VALUES (?1, ?2, ?3, 0, ?4)
                """
            ) { insert in
                insert.bind(1, kind)
                insert.bind(2, name)
                insert.bind(3, table)
                insert.bind(4, now)
                try insert.run()
            }
            try migrator.upgradeTable(kind: kind, name: name, connection)
            guard let created = try entry(kind: kind, name: name, in: connection) else {
                throw StorageError(
                    code: .sqlite,
                    message: "The \(kind) namespace \"\(name)\" vanished while being created."
                )
            }
            return created
        }
    }

    /// `kv_` + a readable form of the name, with `_2`, `_3`… added when taken. SQLite table
    /// names are case-insensitive, so taken names are compared in lower case.
    static func uniqueTableName(kind: String, name: String, _ connection: SQLiteConnection) throws -> String {
        var readable = ""
        for scalar in name.unicodeScalars.prefix(48) {
            let isWordCharacter = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
            readable.unicodeScalars.append(isWordCharacter || scalar == "_" ? scalar : "_")
        }
        let base = "\(kind)_\(readable)"
        var candidate = base
        var suffix = 2
        while try connection.withStatement(
            "SELECT 1 FROM sqlite_schema WHERE lower(name) = lower(?1)",
            { query in
                query.bind(1, candidate)
                return try query.step()
            }
        ) {
            candidate = "\(base)_\(suffix)"
            suffix += 1
        }
        return candidate
    }

    private static func hasCatalog(_ connection: SQLiteConnection) throws -> Bool {
        try connection.withStatement("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'kindling_catalog'") {
            try $0.step()
        }
    }
}
