/// Builds the JSON the `kv` commands print, keeping wrangler's key order (`name`, then
/// `expiration`, then `metadata`), which a dictionary-based encoder would not.
enum JSONOutput {
    /// One JSON object per line inside `[` `]`, indented two spaces, as wrangler prints lists.
    static func array(_ objects: [[(String, String)]]) -> String {
        guard !objects.isEmpty else { return "[]" }
        let rendered = objects.map { fields in
            "  {\n" + fields.map { "    \(string($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n  }"
        }
        return "[\n" + rendered.joined(separator: ",\n") + "\n]"
    }

    /// `text` as a JSON string literal.
    static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
