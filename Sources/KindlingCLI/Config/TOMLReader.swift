import TOMLKit

/// Reads wrangler.toml into a ``ConfigValue``.
enum TOMLReader {
    /// - Throws: ``CLIError`` `FILE:LINE:COLUMN: what is wrong` for malformed TOML.
    static func read(_ text: String, file: String) throws(CLIError) -> ConfigValue {
        do {
            return convert(try TOMLTable(string: text).tomlValue)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            throw CLIError("\(file):\(position.line):\(position.column): \(error.description)")
        } catch {
            throw CLIError("\(file): \(error)")
        }
    }

    private static func convert(_ value: TOMLValue) -> ConfigValue {
        switch value.type {
        case .table:
            let table = value.table!
            return .table(table.keys.map { key in (key: key, value: convert(table[key]!.tomlValue)) })
        case .array:
            return .array(value.array!.map { convert($0.tomlValue) })
        case .string: return .string(value.string!)
        case .int: return .integer(Int64(value.int!))
        case .double: return .number(value.double!)
        case .bool: return .bool(value.bool!)
        // Dates have no meaning in a Workers config; keep their TOML text for messages.
        case .date, .time, .dateTime: return .string(value.debugDescription)
        }
    }
}
