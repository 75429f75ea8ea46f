/// A parsed configuration document (wrangler.toml, wrangler.json or wrangler.jsonc) in one
/// shape, so that one interpreter (``WranglerConfig``) serves every format.
enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case array([ConfigValue])
    /// Keys in document order where the format keeps it.
    case table([(key: String, value: ConfigValue)])
    /// JSON `null`.
    case null

    static func == (lhs: ConfigValue, rhs: ConfigValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.table(let a), .table(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
        case (.null, .null): true
        default: false
        }
    }

    /// The value under `key` when this is a table.
    subscript(key: String) -> ConfigValue? {
        guard case .table(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// What a message calls this kind of value: "a string", "an array", ….
    var kindDescription: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .null: "null"
        }
    }

    /// The value as JSON text (for `vars` holding objects, passed to the worker as parsed JSON).
    var jsonText: String {
        switch self {
        case .string(let text): JSONText.quote(text)
        case .integer(let value): String(value)
        case .number(let value): value.isFinite ? "\(value)" : "null"
        case .bool(let value): value ? "true" : "false"
        case .array(let items): "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .table(let entries):
            "{" + entries.map { JSONText.quote($0.key) + ":" + $0.value.jsonText }.joined(separator: ",") + "}"
        case .null: "null"
        }
    }
}

/// JSON string quoting shared by the CLI's printers.
enum JSONText {
    static func quote(_ text: String) -> String {
        JSONOutput.string(text)
    }
}
