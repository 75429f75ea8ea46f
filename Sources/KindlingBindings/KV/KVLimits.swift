/// Cloudflare KV's limits. Tests may lower them, as Miniflare's tests do, to exercise a limit
/// without writing 25 MiB.
public struct KVLimits: Sendable, Hashable {
    /// Longest key, in UTF-8 bytes.
    public var maxKeySize = 512
    /// Largest value, in bytes (25 MiB).
    public var maxValueSize = 25 * 1024 * 1024
    /// Largest metadata, in bytes of its JSON serialisation.
    public var maxMetadataSize = 1024
    /// Shortest `expirationTtl`, and how far in the future an `expiration` must be, in seconds.
    public var minExpirationTtl: Int64 = 60
    /// Shortest accepted `cacheTtl`, in seconds.
    public var minCacheTtl: Int64 = 30
    /// Most keys one `list` returns, and its default `limit`.
    public var maxListKeys = 1000
    /// Most keys one bulk `get` may ask for.
    public var maxBulkGetKeys = 100
    /// Largest total of values one bulk `get` may return, in bytes (25 MiB).
    public var maxBulkSize = 25 * 1024 * 1024

    /// Production's limits.
    public init() {}
}
