internal import Foundation
import KindlingStorage

/// One KV namespace, with Cloudflare KV's semantics: the service behind a worker's KV binding,
/// the `kindling kv` commands and `getKVNamespace(_:)` in tests.
///
/// Every argument is validated before anything is written, and errors carry production's
/// wording (see ``KVValidation``). Two handles on the same namespace *name* — in one process or
/// two — read and write the same rows.
///
/// ```swift
/// let counts = try kv.namespace("counts")
/// try counts.put("count", "1", options: KVPutOptions(expirationTtl: 3600))
/// let text = try counts.get("count")?.text   // "1"
/// ```
public final class KVNamespace: Sendable {
    /// The namespace name (the `id` in `wrangler.toml`).
    public let name: String
    /// The limits enforced.
    public let limits: KVLimits
    let store: ExpiringKeyValueStore
    let clock: any WallClock

    init(name: String, store: ExpiringKeyValueStore, clock: any WallClock, limits: KVLimits) {
        self.name = name
        self.store = store
        self.clock = clock
        self.limits = limits
    }

    /// The table holding this namespace in `kindling.sqlite`.
    public var tableName: String { store.table }

    /// The value and metadata of `key`, or `nil` when it is missing or expired.
    ///
    /// - Parameter cacheTtl: Validated (at least 30) and otherwise ignored, as there is no edge cache.
    /// - Throws: ``BindingError`` for an invalid key or `cacheTtl`; `.storage` when SQLite fails.
    public func get(_ key: String, cacheTtl: Int64? = nil) throws -> KVEntry? {
        try KVValidation.validateKey(key, for: .get, limits: limits)
        try KVValidation.validateCacheTtl(cacheTtl, for: .get, limits: limits)
        return try storage { try store.get(key).map(Self.entry) }
    }

    /// The values of up to 100 keys at once, in the order asked (`nil` where missing).
    ///
    /// - Throws: ``BindingError`` with production's `KV GET_BULK failed: …` wording when there
    ///   are no keys, more than 100, or the values add up to more than 25 MiB.
    public func get(_ keys: [String], cacheTtl: Int64? = nil) throws -> [(key: String, entry: KVEntry?)] {
        try KVValidation.validateBulkCount(keys.count, limits: limits)
        for key in keys {
            try KVValidation.validateKey(key, for: .getBulk, limits: limits)
        }
        try KVValidation.validateCacheTtl(cacheTtl, for: .getBulk, limits: limits)
        let entries = try storage { try store.get(keys) }
        let total = entries.reduce(0) { $0 + ($1?.value.count ?? 0) }
        if total > limits.maxBulkSize {
            let megabytes = Double(limits.maxBulkSize) / 1024 / 1024
            let shown = megabytes == megabytes.rounded() ? String(Int(megabytes)) : String(megabytes)
            throw KVValidation.failure(.getBulk, 413, "Total size of request exceeds the limit of \(shown)MB")
        }
        return zip(keys, entries).map { ($0, $1.map(Self.entry)) }
    }

    /// Writes `value` under `key`, replacing what was there.
    ///
    /// - Throws: ``BindingError`` for an invalid key, expiry, value size or metadata (nothing is
    ///   written); `.storage` when SQLite fails.
    public func put(_ key: String, _ value: [UInt8], options: KVPutOptions = KVPutOptions()) throws {
        try put(key, value, options: options, deferred: false)
    }

    /// Writes `value` under `key`; with `deferred`, the write is acknowledged at once and committed
    /// with the store's other deferred writes (before the response of the request that made it
    /// leaves Kindling), and every reader in this process sees it meanwhile.
    func put(_ key: String, _ value: [UInt8], options: KVPutOptions, deferred: Bool) throws {
        try KVValidation.validateKey(key, for: .put, limits: limits)
        let expiration = try KVValidation.expiration(
            expiration: options.expiration,
            expirationTtl: options.expirationTtl,
            now: clock.now() / 1000,
            limits: limits
        )
        try KVValidation.validateValueSize(value.count, limits: limits)
        try KVValidation.validateMetadata(options.metadata, limits: limits)
        let entry = StoredEntry(value: value, expiration: expiration.map { $0 * 1000 }, metadata: options.metadata)
        try storage { try store.put(key, entry, deferred: deferred) }
    }

    /// Writes the UTF-8 bytes of `value` under `key`.
    public func put(_ key: String, _ value: String, options: KVPutOptions = KVPutOptions()) throws {
        try put(key, Array(value.utf8), options: options)
    }

    /// Deletes `key`; deleting a missing key succeeds.
    public func delete(_ key: String) throws {
        try delete(key, deferred: false)
    }

    /// Deletes `key`, deferred like ``put(_:_:options:deferred:)`` when asked.
    func delete(_ key: String, deferred: Bool) throws {
        try KVValidation.validateKey(key, for: .delete, limits: limits)
        try storage {
            if deferred {
                try store.deleteDeferred(key)
            } else {
                _ = try store.delete(key)
            }
        }
    }

    /// One page of keys, in UTF-8 byte order, skipping expired ones.
    ///
    /// - Throws: ``BindingError`` for a `limit` outside 1…1000, a prefix over 512 bytes, or a
    ///   cursor that no `list` produced.
    public func list(_ options: KVListOptions = KVListOptions()) throws -> KVListResult {
        let limit = try KVValidation.listLimit(options.limit, limits: limits)
        let prefix = options.prefix ?? ""
        try KVValidation.validateKeyLength(prefix, for: .get, limits: limits)
        var after: String?
        if let cursor = options.cursor, !cursor.isEmpty {
            guard let key = Self.decodeCursor(cursor) else {
                throw KVValidation.failure(
                    .get,
                    400,
                    "Invalid cursor \"\(cursor)\". Pass the cursor returned by a previous list() call."
                )
            }
            after = key
        }
        let page = try storage { try store.list(prefix: prefix, after: after, limit: limit) }
        let keys = page.keys.map {
            KVKey(name: $0.key, expiration: $0.expiration.map { $0 / 1000 }, metadata: $0.metadata)
        }
        let cursor = page.hasMore ? keys.last.map { Self.encodeCursor($0.name) } : nil
        return KVListResult(keys: keys, listComplete: !page.hasMore, cursor: cursor)
    }

    /// Deletes expired keys from disk now (writes do it on their own once a minute).
    ///
    /// - Returns: How many keys were removed.
    @discardableResult
    public func sweepExpired() throws -> Int {
        try storage { try store.sweepExpired() }
    }

    // MARK: Helpers

    private static func entry(_ stored: StoredEntry) -> KVEntry {
        KVEntry(value: stored.value, expiration: stored.expiration.map { $0 / 1000 }, metadata: stored.metadata)
    }

    /// The cursor is the last key of the page, base64url-encoded: opaque to users, and a page
    /// still continues correctly when keys are added or removed meanwhile.
    static func encodeCursor(_ key: String) -> String {
        Data(key.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeCursor(_ cursor: String) -> String? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let key = String(data: data, encoding: .utf8), !key.isEmpty
        else { return nil }
        return key
    }

    private func storage<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StorageError {
            throw BindingError(
                code: .storage,
                message: "KV namespace \"\(name)\": \(error.message)",
                cause: error
            )
        }
    }
}
