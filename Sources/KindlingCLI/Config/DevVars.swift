import Foundation

/// Local secrets beside a config file, as wrangler reads them: `.dev.vars` (or
/// `.dev.vars.<env>` with `--env`), and only when there is none, `.env` (or `.env.<env>`).
enum DevVars {
    /// The secrets, in file order.
    static func load(directory: String, environment: String?) throws(CLIError) -> [(String, String)] {
        let suffix = environment.map { ".\($0)" } ?? ""
        let candidates = [".dev.vars" + suffix, ".dev.vars", ".env" + suffix, ".env"]
        for name in candidates {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            return try parse(String(decoding: data, as: UTF8.self), file: path)
        }
        return []
    }

    /// Parses dotenv text: `KEY=value` lines, `#` comments, optional `export `, values in single
    /// quotes (literal), double quotes (with `\n` escapes, may span lines) or bare (trimmed, an
    /// inline ` #` starts a comment).
    static func parse(_ text: String, file: String) throws(CLIError) -> [(String, String)] {
        var result: [(String, String)] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        var index = 0
        while index < lines.count {
            let lineNumber = index + 1
            var line = lines[index].drop { $0 == " " || $0 == "\t" }
            index += 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).drop { $0 == " " } }
            guard let equals = line.firstIndex(of: "=") else {
                throw CLIError("\(file):\(lineNumber): expected KEY=value, got \"\(line)\".")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" })
            else { throw CLIError("\(file):\(lineNumber): \"\(key)\" is not a valid variable name.") }
            var value = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            if let quote = value.first, quote == "\"" || quote == "'" {
                // A quoted value may continue on the following lines until its closing quote.
                var body = String(value.dropFirst())
                while !body.contains(quote), index < lines.count {
                    body += "\n" + lines[index]
                    index += 1
                }
                guard let close = body.firstIndex(of: quote) else {
                    throw CLIError("\(file):\(lineNumber): the value of \(key) has no closing \(quote).")
                }
                var text = String(body[..<close])
                if quote == "\"" {
                    text = text.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\r", with: "\r")
                        .replacingOccurrences(of: "\\t", with: "\t")
                }
                result.append((key, text))
            } else {
                if let comment = value.firstRange(of: " #") { value = value[..<comment.lowerBound] }
                result.append((key, value.trimmingCharacters(in: .whitespaces)))
            }
        }
        return result
    }
}
