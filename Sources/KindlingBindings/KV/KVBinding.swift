public import KindlingRuntime

/// A KV namespace as a worker's binding: the JS half (`kv-namespace.js`, the `KvNamespace` class
/// Workers code calls) over host functions that run ``KVNamespace``'s operations on the
/// isolate's thread. SQLite answers a point read in microseconds, so the host functions are
/// synchronous and the JS methods resolve at once, without a thread hop. Writes are deferred:
/// committed together before the response leaves Kindling (the output gate, DESIGN.md "Store").
public enum KVBinding {
    /// The global factory `kv-namespace.js` defines.
    static let factory = "__kindlingMakeKVNamespace"

    /// The JavaScript to evaluate once in an isolate before making bindings with ``argument(for:)``.
    public static var script: String { EmbeddedScripts.named("kv-namespace.js") }

    /// The value of `env.BINDING` for `namespace`.
    public static func argument(for namespace: KVNamespace) -> ScriptArgument {
        let host: [String: ScriptArgument] = [
            "get": .function(
                .sync { arguments in
                    try bridging {
                        let entry = try namespace.get(try key(arguments, 0), cacheTtl: integer(arguments, 1))
                        return entry.map { .bytes($0.value) } ?? .null
                    }
                }
            ),
            // `get` as text, the usual case: decoded here rather than by a TextDecoder in JS, which spares the
            // Uint8Array and the decoder's call. Swift's UTF-8 decoding is TextDecoder's ("utf-8", ignoreBOM): a
            // U+FFFD for each maximal invalid subsequence, a byte-order mark kept.
            "getText": .function(
                .sync { arguments in
                    try bridging {
                        let entry = try namespace.get(try key(arguments, 0), cacheTtl: integer(arguments, 1))
                        return entry.map { .string(String(decoding: $0.value, as: UTF8.self)) } ?? .null
                    }
                }
            ),
            "getWithMetadata": .function(
                .sync { arguments in
                    try bridging {
                        guard let entry = try namespace.get(try key(arguments, 0), cacheTtl: integer(arguments, 1))
                        else {
                            return .null
                        }
                        return .array([.bytes(entry.value), entry.metadata.map { .string($0) } ?? .null])
                    }
                }
            ),
            "getBulk": .function(
                .sync { arguments in
                    try bridging {
                        guard case .array(let items)? = arguments.first else { return .array([]) }
                        let keys = items.map { $0.stringValue ?? "" }
                        let type = arguments.count > 1 ? arguments[1].stringValue ?? "text" : "text"
                        // Bulk reads come back as text or JSON only (Miniflare's wording).
                        guard type == "text" || type == "json" else {
                            throw KVValidation.failure(
                                .getBulk,
                                400,
                                "\"\(type)\" is not a valid type. Use \"json\" or \"text\""
                            )
                        }
                        // Checked here first for the bulk endpoint's own wording (Miniflare's
                        // validator): the count, then each key, as a `GET_BULK failed` error.
                        try KVValidation.validateBulkCount(keys.count, limits: namespace.limits)
                        for key in keys {
                            if key.isEmpty {
                                throw KVValidation.failure(.getBulk, 400, "Key names must not be empty")
                            }
                            if key == "." || key == ".." {
                                throw KVValidation.failure(
                                    .getBulk,
                                    400,
                                    "Illegal key name \"\(key)\". Please use a different name."
                                )
                            }
                        }
                        let rows = try namespace.get(keys, cacheTtl: integer(arguments, 2))
                        return .array(
                            rows.map { row in
                                row.entry.map { .array([.bytes($0.value), $0.metadata.map { .string($0) } ?? .null]) }
                                    ?? .null
                            }
                        )
                    }
                }
            ),
            "put": .function(
                .sync { arguments in
                    try bridging {
                        let value: [UInt8]
                        switch arguments.count > 1 ? arguments[1] : .undefined {
                        case .bytes(let bytes): value = bytes
                        case .string(let text): value = Array(text.utf8)
                        default: value = []
                        }
                        let options = KVPutOptions(
                            expiration: integer(arguments, 2),
                            expirationTtl: integer(arguments, 3),
                            metadata: arguments.count > 4 ? arguments[4].stringValue : nil
                        )
                        try namespace.put(try key(arguments, 0), value, options: options, deferred: true)
                        return .undefined
                    }
                }
            ),
            "delete": .function(
                .sync { arguments in
                    try bridging {
                        try namespace.delete(try key(arguments, 0), deferred: true)
                        return .undefined
                    }
                }
            ),
            "list": .function(
                .sync { arguments in
                    try bridging {
                        let page = try namespace.list(
                            KVListOptions(
                                prefix: arguments.first?.stringValue,
                                limit: integer(arguments, 1).map { Int($0) },
                                cursor: arguments.count > 2 ? arguments[2].stringValue : nil
                            )
                        )
                        var result: [String: HostValue] = [
                            "keys": .array(
                                page.keys.map { key in
                                    var entry: [String: HostValue] = ["name": .string(key.name)]
                                    if let expiration = key.expiration {
                                        entry["expiration"] = .number(Double(expiration))
                                    }
                                    if let metadata = key.metadata { entry["metadata"] = .string(metadata) }
                                    return .object(entry)
                                }
                            ),
                            "list_complete": .bool(page.listComplete),
                        ]
                        if let cursor = page.cursor { result["cursor"] = .string(cursor) }
                        return .object(result)
                    }
                }
            ),
        ]
        return .made(by: factory, arguments: [.object(host)])
    }

    private static func key(_ arguments: [HostValue], _ index: Int) throws -> String {
        arguments.count > index ? arguments[index].stringValue ?? "" : ""
    }

    private static func integer(_ arguments: [HostValue], _ index: Int) -> Int64? {
        guard arguments.count > index, let number = arguments[index].numberValue, number.isFinite else { return nil }
        return Int64(number)
    }
}
