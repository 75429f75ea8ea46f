/// One numbered schema change: a `.sql` file under `Migrations/<store>/NNNN_<verb>_<object>.sql`.
///
/// Fixed-schema stores (`kindling`) are applied once per database. Template stores (`kv`) are
/// applied once per namespace table, with `{{table}}` standing for the table's quoted name.
public struct Migration: Sendable, Hashable {
    /// The folder the file lives in: `kindling` for the fixed schema, `kv` for KV namespace tables.
    public let store: String
    /// The file's number; ids are never reused, so a higher id is always a newer schema.
    public let id: Int
    /// The rest of the file name, e.g. `create_catalog`.
    public let name: String
    /// The file's SQL, applied in one transaction.
    public let sql: String

    /// Creates a migration; tests use this to stand for files of older or newer versions.
    public init(store: String, id: Int, name: String, sql: String) {
        self.store = store
        self.id = id
        self.name = name
        self.sql = sql
    }

    /// The path of the file this migration comes from, relative to `Migrations/`.
    public var fileName: String {
        let number = String(id)
        return "\(store)/\(String(repeating: "0", count: max(0, 4 - number.count)))\(number)_\(name).sql"
    }

    /// A 64-bit FNV-1a checksum of the SQL, in hex: recorded when applied, so a changed
    /// released file can be spotted with `sqlite3`. (Not a security measure.)
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Every migration compiled into this build of Kindling, read from the `Migrations/` folder.
public enum MigrationCatalog {
    /// All migrations, ordered by store then id.
    public static let all: [Migration] = EmbeddedFiles.files.compactMap { file in
        parse(path: file.path, sql: file.contents)
    }.sorted { ($0.store, $0.id) < ($1.store, $1.id) }

    /// The migrations of one store, in the order they apply.
    public static func migrations(for store: String) -> [Migration] {
        all.filter { $0.store == store }
    }

    /// Reads `kv/0002_index_expiration.sql` as store `kv`, id 2, name `index_expiration`.
    static func parse(path: String, sql: String) -> Migration? {
        let parts = path.split(separator: "/")
        guard parts.count == 2, parts[1].hasSuffix(".sql") else { return nil }
        let stem = parts[1].dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let id = Int(stem[..<underscore]) else { return nil }
        return Migration(
            store: String(parts[0]),
            id: id,
            name: String(stem[stem.index(after: underscore)...]),
            sql: sql
        )
    }
}
