/// Typed reads of config keys, with messages that name the file and the key's full path
/// (`wrangler.toml: kv_namespaces[0].binding must be a string, got an integer`).
struct KeyReader {
    let file: String
    /// The prefix of every key path this reader names (`env.staging.` inside an environment).
    let path: String
    private(set) var warnings: [String] = []

    init(file: String, path: String) {
        self.file = file
        self.path = path
    }

    func string(_ value: ConfigValue, _ key: String) throws(CLIError) -> String {
        guard case .string(let text) = value else { throw wrongType(key, expected: "a string", got: value) }
        return text
    }

    func strings(_ value: ConfigValue, _ key: String) throws(CLIError) -> [String] {
        try array(value, key).enumerated().map { index, item throws(CLIError) in try string(item, "\(key)[\(index)]") }
    }

    func array(_ value: ConfigValue, _ key: String) throws(CLIError) -> [ConfigValue] {
        guard case .array(let items) = value else { throw wrongType(key, expected: "an array", got: value) }
        return items
    }

    /// `table.key` as a string, which must be there.
    func requiredString(_ table: ConfigValue, _ key: String, in tablePath: String) throws(CLIError) -> String {
        guard case .table = table else { throw wrongType(tablePath, expected: "a table", got: table) }
        guard let value = table[key] else {
            throw CLIError("\(file): \(path)\(tablePath) is missing \"\(key)\".")
        }
        return try string(value, "\(tablePath).\(key)")
    }

    /// A route in any form wrangler accepts: `"example.com/*"`, or a table with `pattern` and
    /// `zone_name`, `zone_id` or `custom_domain` (a custom domain covers every path of its host).
    func route(_ value: ConfigValue, _ key: String) throws(CLIError) -> String {
        if case .string(let pattern) = value { return pattern }
        let pattern = try requiredString(value, "pattern", in: key)
        if case .bool(true) = value["custom_domain"], !pattern.contains("/") {
            return pattern + "/*"
        }
        return pattern
    }

    func wrongType(_ key: String, expected: String, got value: ConfigValue) -> CLIError {
        CLIError("\(file): \(path)\(key) must be \(expected), got \(value.kindDescription).")
    }

    /// Notes keys of `table` that wrangler does not know, or that Kindling does not run yet.
    mutating func warnUnknownKeys(in table: ConfigValue, known: [String: Bool]) {
        guard case .table(let entries) = table else { return }
        for (key, _) in entries {
            switch known[key] {
            case nil: warnings.append("\(file): unknown key \"\(path)\(key)\" (ignored).")
            case false?: warnings.append("\(file): \"\(path)\(key)\" is not supported by Kindling yet (ignored).")
            case true?: break
            }
        }
    }
}
