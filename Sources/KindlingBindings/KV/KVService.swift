public import KindlingStorage
import Synchronization

/// KV namespaces by name on one persistence root: a namespace's table is created on first use
/// and registered in the catalog, and every handle on one name shares the rows.
public final class KVService: Sendable {
    /// The catalog kind (and table prefix) of KV namespaces.
    public static let kind = "kv"
    /// The root holding the namespaces.
    public let persistence: Persistence
    /// The limits every namespace enforces.
    public let limits: KVLimits
    private let opened: Mutex<[String: KVNamespace]> = Mutex([:])

    /// Creates the service over a persistence root.
    public init(persistence: Persistence, limits: KVLimits = KVLimits()) {
        self.persistence = persistence
        self.limits = limits
    }

    /// The namespace called `name`, creating its table on first use.
    ///
    /// - Throws: ``BindingError`` `.storage` when the table cannot be created.
    public func namespace(_ name: String) throws -> KVNamespace {
        if let namespace = opened.withLock({ $0[name] }) { return namespace }
        let entry = try storage(name) {
            try persistence.database.withConnection { connection in
                try Catalog.register(
                    kind: Self.kind,
                    name: name,
                    migrator: persistence.migrator,
                    now: persistence.clock.now(),
                    in: connection
                )
            }
        }
        return remember(entry)
    }

    /// The namespace called `name` if it has ever been written to, else `nil` (nothing is created).
    public func existingNamespace(_ name: String) throws -> KVNamespace? {
        if let namespace = opened.withLock({ $0[name] }) { return namespace }
        let entry = try storage(name) {
            try persistence.database.withConnection { connection in
                try Catalog.entry(kind: Self.kind, name: name, in: connection)
            }
        }
        return entry.map(remember)
    }

    /// Every KV namespace under the root, by name.
    public func namespaces() throws -> [CatalogEntry] {
        try storage("*") {
            try persistence.database.withConnection { connection in
                try Catalog.entries(kind: Self.kind, in: connection)
            }
        }
    }

    private func remember(_ entry: CatalogEntry) -> KVNamespace {
        opened.withLock { opened in
            if let existing = opened[entry.name] { return existing }
            let store = ExpiringKeyValueStore(
                table: entry.tableName,
                database: persistence.database,
                clock: persistence.clock
            )
            let namespace = KVNamespace(name: entry.name, store: store, clock: persistence.clock, limits: limits)
            opened[entry.name] = namespace
            return namespace
        }
    }

    private func storage<T>(_ name: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StorageError {
            throw BindingError(code: .storage, message: "KV namespace \"\(name)\": \(error.message)", cause: error)
        }
    }
}
