/// Reads wrangler.json and wrangler.jsonc into a ``ConfigValue``: JSON plus `//` and `/* */`
/// comments and trailing commas, as wrangler accepts. Written by hand (not JSONSerialization)
/// so that an error can name its line and column, and object keys keep their order.
struct JSONCReader {
    private let bytes: [UInt8]
    private let file: String
    private var index = 0

    /// - Throws: ``CLIError`` `FILE:LINE:COLUMN: what is wrong`.
    static func read(_ text: String, file: String) throws(CLIError) -> ConfigValue {
        var reader = JSONCReader(bytes: Array(text.utf8), file: file)
        reader.skipSpaceAndComments()
        // A UTF-8 byte-order mark is allowed before the document.
        if reader.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }
        let value = try reader.readValue()
        try reader.skipSpaceAndCommentsChecked()
        if reader.index < reader.bytes.count { throw reader.error("unexpected \(reader.describeCurrent()) after the document") }
        return value
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private mutating func readValue() throws(CLIError) -> ConfigValue {
        try skipSpaceAndCommentsChecked()
        guard index < bytes.count else { throw error("unexpected end of file, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try readWord("true", .bool(true))
        case UInt8(ascii: "f"): return try readWord("false", .bool(false))
        case UInt8(ascii: "n"): return try readWord("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        case let byte where (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20):
            throw error("unexpected \(describeCurrent()), expected a value (strings need double quotes)")
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func readObject() throws(CLIError) -> ConfigValue {
        index += 1
        var entries: [(key: String, value: ConfigValue)] = []
        while true {
            try skipSpaceAndCommentsChecked()
            guard index < bytes.count else { throw error("unexpected end of file inside an object") }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .table(entries)
            }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error("expected a quoted key or \"}\", found \(describeCurrent())")
            }
            let keyStart = index
            let key = try readString()
            try skipSpaceAndCommentsChecked()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error("expected \":\" after the key \"\(key)\", found \(describeCurrent())")
            }
            index += 1
            let value = try readValue()
            if entries.contains(where: { $0.key == key }) {
                index = keyStart
                throw error("duplicate key \"\(key)\"")
            }
            entries.append((key, value))
            try skipSpaceAndCommentsChecked()
            guard index < bytes.count else { throw error("unexpected end of file inside an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] != UInt8(ascii: "}") {
                throw error("expected \",\" or \"}\" after a value, found \(describeCurrent())")
            }
        }
    }

    private mutating func readArray() throws(CLIError) -> ConfigValue {
        index += 1
        var items: [ConfigValue] = []
        while true {
            try skipSpaceAndCommentsChecked()
            guard index < bytes.count else { throw error("unexpected end of file inside an array") }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            items.append(try readValue())
            try skipSpaceAndCommentsChecked()
            guard index < bytes.count else { throw error("unexpected end of file inside an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] != UInt8(ascii: "]") {
                throw error("expected \",\" or \"]\" after a value, found \(describeCurrent())")
            }
        }
    }

    private mutating func readString() throws(CLIError) -> String {
        let start = index
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ reader: JSONCReader, upTo end: Int) {
            scalars.append(contentsOf: String(decoding: reader.bytes[runStart..<end], as: UTF8.self).unicodeScalars)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(self, upTo: index)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 {
                throw error("a line break or control character inside a string (escape it, e.g. \\n)")
            }
            if byte == UInt8(ascii: "\\") {
                flush(self, upTo: index)
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try readUnicodeEscape())
                default:
                    index -= 1
                    throw error("unknown escape \\\(describeCurrent())")
                }
                runStart = index
                continue
            }
            index += 1
        }
        index = start
        throw error("a string that never ends (missing closing quote)")
    }

    /// `\uXXXX`, combining a surrogate pair; a lone surrogate becomes U+FFFD.
    private mutating func readUnicodeEscape() throws(CLIError) -> Unicode.Scalar {
        let high = try readHex4()
        if (0xD800..<0xDC00).contains(high), bytes.count >= index + 6, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
        {
            index += 2
            let low = try readHex4()
            if (0xDC00..<0xE000).contains(low) {
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
            }
            return "\u{FFFD}"
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }

    private mutating func readHex4() throws(CLIError) -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw error("\\u must be followed by four hex digits") }
        index += 4
        return value
    }

    private mutating func readNumber() throws(CLIError) -> ConfigValue {
        let start = index
        while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if let integer = Int64(text) { return .integer(integer) }
        if let number = Double(text), number.isFinite { return .number(number) }
        index = start
        throw error("\"\(text)\" is not a number")
    }

    private mutating func readWord(_ word: String, _ value: ConfigValue) throws(CLIError) -> ConfigValue {
        let utf8 = Array(word.utf8)
        let next = index + utf8.count
        guard bytes[index...].starts(with: utf8),
            next == bytes.count || !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[next] | 0x20)
        else {
            throw error("unexpected \(describeCurrent()), expected a value (strings need double quotes)")
        }
        index += utf8.count
        return value
    }

    private mutating func skipSpaceAndComments() {
        _ = try? skipSpaceAndCommentsChecked()
    }

    private mutating func skipSpaceAndCommentsChecked() throws(CLIError) {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                let start = index
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
                    index += 1
                }
                guard index + 1 < bytes.count else {
                    index = start
                    throw error("a /* comment that never ends")
                }
                index += 2
            default:
                return
            }
        }
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of file" }
        let scalar = String(decoding: bytes[index...].prefix(4), as: UTF8.self).unicodeScalars.first ?? "?"
        return "\"\(scalar)\""
    }

    /// An error at the current position: `FILE:LINE:COLUMN: message`.
    private func error(_ message: String) -> CLIError {
        var line = 1
        var column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return CLIError("\(file):\(line):\(column): \(message)")
    }
}
