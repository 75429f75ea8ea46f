/// Checks of KV arguments, with production's wording (as Miniflare's tests pin it). Pure
/// functions: each returns normally or throws a ``BindingError``; nothing is written first.
public enum KVValidation {
    /// The operation named in a service error: `KV PUT failed: …`.
    public enum Operation: String, Sendable {
        case get = "GET"
        case getBulk = "GET_BULK"
        case put = "PUT"
        case delete = "DELETE"
    }

    static func failure(_ operation: Operation, _ status: Int, _ text: String) -> BindingError {
        BindingError(
            code: status == 400 ? .invalidArgument : .limitExceeded,
            message: "KV \(operation.rawValue) failed: \(status) \(text)",
            status: status
        )
    }

    /// A key must not be empty, `.` or `..`, and must fit the key size limit.
    public static func validateKey(_ key: String, for operation: Operation, limits: KVLimits) throws {
        if key.isEmpty {
            throw BindingError(code: .invalidArgument, message: "Key name cannot be empty.", jsErrorName: "TypeError")
        }
        if key == "." || key == ".." {
            throw BindingError(
                code: .invalidArgument,
                message: "\"\(key)\" is not allowed as a key name.",
                jsErrorName: "TypeError"
            )
        }
        try validateKeyLength(key, for: operation, limits: limits)
    }

    /// A key (or list prefix) must fit the key size limit.
    public static func validateKeyLength(_ key: String, for operation: Operation, limits: KVLimits) throws {
        let length = key.utf8.count
        if length > limits.maxKeySize {
            throw failure(
                operation,
                414,
                "UTF-8 encoded length of \(length) exceeds key length limit of \(limits.maxKeySize)."
            )
        }
    }

    /// `cacheTtl` is accepted and ignored (there is one "edge location", this machine), but
    /// validated as production does.
    public static func validateCacheTtl(_ cacheTtl: Int64?, for operation: Operation, limits: KVLimits) throws {
        if let cacheTtl, cacheTtl < limits.minCacheTtl {
            throw failure(
                operation,
                400,
                "Invalid cache_ttl of \(cacheTtl). Cache TTL must be at least \(limits.minCacheTtl)."
            )
        }
    }

    /// The bulk `get` key count must be between 1 and the limit.
    public static func validateBulkCount(_ count: Int, limits: KVLimits) throws {
        if count < 1 {
            throw failure(.getBulk, 400, "You must request a minimum of 1 key")
        }
        if count > limits.maxBulkGetKeys {
            throw failure(.getBulk, 400, "You can request a maximum of \(limits.maxBulkGetKeys) keys")
        }
    }

    /// The absolute expiration (seconds since the epoch) a put's options ask for, or `nil`.
    /// `expirationTtl` wins over `expiration` when both are given, as in production.
    ///
    /// - Parameter now: The current time in whole seconds since the epoch.
    public static func expiration(
        expiration: Int64?,
        expirationTtl: Int64?,
        now: Int64,
        limits: KVLimits
    ) throws -> Int64? {
        if let ttl = expirationTtl {
            if ttl <= 0 {
                throw failure(.put, 400, "Invalid expiration_ttl of \(ttl). Please specify integer greater than 0.")
            }
            if ttl < limits.minExpirationTtl {
                throw failure(
                    .put,
                    400,
                    "Invalid expiration_ttl of \(ttl). Expiration TTL must be at least \(limits.minExpirationTtl)."
                )
            }
            return now + ttl
        }
        if let expiration {
            if expiration <= now {
                throw failure(
                    .put,
                    400,
                    "Invalid expiration of \(expiration). Please specify integer greater than the current number of seconds since the UNIX epoch."
                )
            }
            if expiration < now + limits.minExpirationTtl {
                throw failure(
                    .put,
                    400,
                    "Invalid expiration of \(expiration). Expiration times must be at least \(limits.minExpirationTtl) seconds in the future."
                )
            }
            return expiration
        }
        return nil
    }

    /// A value must fit the value size limit.
    public static func validateValueSize(_ length: Int, limits: KVLimits) throws {
        if length > limits.maxValueSize {
            throw failure(.put, 413, "Value length of \(length) exceeds limit of \(limits.maxValueSize).")
        }
    }

    /// Metadata is JSON text that fits the metadata size limit.
    public static func validateMetadata(_ metadata: String?, limits: KVLimits) throws {
        guard let metadata else { return }
        let length = metadata.utf8.count
        if length > limits.maxMetadataSize {
            throw failure(.put, 413, "Metadata length of \(length) exceeds limit of \(limits.maxMetadataSize).")
        }
        if !JSONText.isValid(metadata) {
            throw BindingError(
                code: .invalidArgument,
                message: "KV metadata must be JSON text, such as {\"author\":\"ann\"}; got \(metadata)",
                jsErrorName: "TypeError"
            )
        }
    }

    /// The page size a list asks for: `nil` means the maximum.
    public static func listLimit(_ limit: Int?, limits: KVLimits) throws -> Int {
        guard let limit else { return limits.maxListKeys }
        if limit < 1 {
            throw failure(.get, 400, "Invalid key_count_limit of \(limit). Please specify an integer greater than 0.")
        }
        if limit > limits.maxListKeys {
            throw failure(
                .get,
                400,
                "Invalid key_count_limit of \(limit). Please specify an integer less than \(limits.maxListKeys)."
            )
        }
        return limit
    }
}
