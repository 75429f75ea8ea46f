/// A value read from KV, with what `getWithMetadata` adds.
public struct KVEntry: Sendable, Hashable {
    /// The bytes as written.
    public var value: [UInt8]
    /// When the key expires, in seconds since the Unix epoch; `nil` for never.
    public var expiration: Int64?
    /// The metadata as JSON text; `nil` for none.
    public var metadata: String?

    /// The value decoded as UTF-8 (invalid bytes become U+FFFD, as `get(key, "text")` does).
    public var text: String { String(decoding: value, as: UTF8.self) }
}

/// Options for ``KVNamespace/put(_:_:options:)``, as in the JS API.
public struct KVPutOptions: Sendable, Hashable {
    /// When the key expires, in seconds since the Unix epoch (at least 60 s from now).
    public var expiration: Int64?
    /// Seconds from now until the key expires (at least 60). Wins over ``expiration``.
    public var expirationTtl: Int64?
    /// Metadata as JSON text, at most 1024 bytes.
    public var metadata: String?

    /// Creates put options.
    public init(expiration: Int64? = nil, expirationTtl: Int64? = nil, metadata: String? = nil) {
        self.expiration = expiration
        self.expirationTtl = expirationTtl
        self.metadata = metadata
    }
}

/// Options for ``KVNamespace/list(_:)``, as in the JS API.
public struct KVListOptions: Sendable, Hashable {
    /// Only keys starting with this.
    public var prefix: String?
    /// At most this many keys (1…1000; default 1000).
    public var limit: Int?
    /// The ``KVListResult/cursor`` of the previous page.
    public var cursor: String?

    /// Creates list options.
    public init(prefix: String? = nil, limit: Int? = nil, cursor: String? = nil) {
        self.prefix = prefix
        self.limit = limit
        self.cursor = cursor
    }
}

/// A key in a ``KVListResult``.
public struct KVKey: Sendable, Hashable {
    /// The key.
    public var name: String
    /// When it expires, in seconds since the Unix epoch; `nil` for never.
    public var expiration: Int64?
    /// Its metadata as JSON text; `nil` for none.
    public var metadata: String?
}

/// One page of keys, as `list()` returns it.
public struct KVListResult: Sendable, Hashable {
    /// The keys, in UTF-8 byte order.
    public var keys: [KVKey]
    /// Whether this is the last page (`list_complete` in JS).
    public var listComplete: Bool
    /// Pass this as ``KVListOptions/cursor`` to get the next page; `nil` on the last page.
    public var cursor: String?
}
