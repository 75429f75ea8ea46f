import Foundation

/// A decoded source map (version 3), enough to map a generated line and column back to a source file position.
struct SourceMap: Sendable {
    /// One mapping: a generated column and the source position it came from.
    struct Segment: Sendable {
        var generatedColumn: Int
        var sourceIndex: Int
        var sourceLine: Int
        var sourceColumn: Int
    }

    /// A position in an original source file; line and column are 1-based.
    struct Position: Sendable, Equatable {
        var source: String
        var line: Int
        var column: Int
    }

    let sources: [String]
    /// Segments per generated line (0-based), sorted by generated column.
    let lines: [[Segment]]

    /// Decodes a source map from its JSON text; nil when it is not a usable version 3 map.
    init?(json: Data) {
        struct Raw: Decodable {
            var version: Int
            var sources: [String]
            var sourceRoot: String?
            var mappings: String
        }
        guard let raw = try? JSONDecoder().decode(Raw.self, from: json), raw.version == 3 else { return nil }
        let root = raw.sourceRoot.map { $0.isEmpty || $0.hasSuffix("/") ? $0 : $0 + "/" } ?? ""
        sources = raw.sources.map { root + $0 }
        guard let lines = SourceMap.decode(mappings: raw.mappings) else { return nil }
        self.lines = lines
    }

    /// Finds the inline map of a script (`//# sourceMappingURL=data:application/json;base64,…`), if it has one.
    init?(inlineIn script: String) {
        guard let marker = script.range(of: "//# sourceMappingURL=data:", options: .backwards) else { return nil }
        let rest = script[marker.upperBound...]
        guard let comma = rest.firstIndex(of: ",") else { return nil }
        let header = rest[..<comma]
        let payload = rest[rest.index(after: comma)...].prefix { !$0.isNewline }
        guard header.hasSuffix(";base64"), let data = Data(base64Encoded: String(payload)) else { return nil }
        self.init(json: data)
    }

    /// The source position of a generated position (1-based line and column), if the map covers it.
    func originalPosition(line: Int, column: Int) -> Position? {
        let index = line - 1
        guard lines.indices.contains(index) else { return nil }
        let segments = lines[index]
        let target = column - 1
        // The last segment that starts at or before the column.
        var low = 0
        var high = segments.count - 1
        var found: Segment?
        while low <= high {
            let middle = (low + high) / 2
            if segments[middle].generatedColumn <= target {
                found = segments[middle]
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        if found == nil { found = segments.first }
        guard let segment = found, sources.indices.contains(segment.sourceIndex) else { return nil }
        return Position(
            source: sources[segment.sourceIndex], line: segment.sourceLine + 1, column: segment.sourceColumn + 1)
    }

    private static func decode(mappings: String) -> [[Segment]]? {
        var lines: [[Segment]] = [[]]
        var sourceIndex = 0
        var sourceLine = 0
        var sourceColumn = 0
        var generatedColumn = 0
        var fields: [Int] = []
        var value = 0
        var shift = 0

        func finishSegment() -> Bool {
            guard !fields.isEmpty else { return true }
            defer { fields.removeAll(keepingCapacity: true) }
            generatedColumn += fields[0]
            guard fields.count >= 4 else { return fields.count == 1 }
            sourceIndex += fields[1]
            sourceLine += fields[2]
            sourceColumn += fields[3]
            lines[lines.count - 1].append(
                Segment(
                    generatedColumn: generatedColumn, sourceIndex: sourceIndex, sourceLine: sourceLine,
                    sourceColumn: sourceColumn))
            return true
        }

        for byte in mappings.utf8 {
            switch byte {
            case UInt8(ascii: ";"):
                guard finishSegment() else { return nil }
                lines.append([])
                generatedColumn = 0
            case UInt8(ascii: ","):
                guard finishSegment() else { return nil }
            default:
                guard let digit = base64Value(byte) else { return nil }
                value += (digit & 31) << shift
                if digit & 32 != 0 {
                    shift += 5
                } else {
                    fields.append(value & 1 == 1 ? -(value >> 1) : value >> 1)
                    value = 0
                    shift = 0
                }
            }
        }
        guard finishSegment() else { return nil }
        for index in lines.indices { lines[index].sort { $0.generatedColumn < $1.generatedColumn } }
        return lines
    }

    private static func base64Value(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
