/// One frame of a JavaScriptCore stack string (`fn@url:line:column`).
struct StackFrame: Sendable, Equatable, CustomStringConvertible {
    var function: String
    var url: String?
    var line: Int?
    var column: Int?

    /// The frame with its position mapped to the user's source, when a map covers it.
    func mapped(through sourceMap: (String) -> SourceMap?) -> StackFrame {
        guard let url, let line, let map = sourceMap(url),
            let position = map.originalPosition(line: line, column: column ?? 1)
        else { return self }
        return StackFrame(function: function, url: position.source, line: position.line, column: position.column)
    }

    /// V8's spelling, which Workers developers read: `fn (file:line:column)` or `file:line:column`.
    var description: String {
        var location = url ?? "native"
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        if function.isEmpty { return location }
        return "\(function) (\(location))"
    }
}

enum StackFrames {
    /// Parses JavaScriptCore's `stack` property, one frame per line.
    static func parse(_ stack: String) -> [StackFrame] {
        stack.split(separator: "\n").compactMap { rawLine in
            let line = rawLine.trimmingPrefix(while: { $0 == " " })
            guard !line.isEmpty else { return nil }
            var function = ""
            var location = Substring(line)
            if let at = line.lastIndex(of: "@") {
                function = String(line[..<at])
                location = line[line.index(after: at)...]
            } else if !line.contains(":") || line == "[native code]" {
                return StackFrame(function: String(line), url: nil, line: nil, column: nil)
            }
            if function == "global code" || function == "module code" { function = "" }
            if location == "[native code]" { return StackFrame(function: function, url: nil, line: nil, column: nil) }
            var parts = location.split(separator: ":", omittingEmptySubsequences: false)
            var numbers: [Int] = []
            while numbers.count < 2, let last = parts.last, let number = Int(last) {
                numbers.insert(number, at: 0)
                parts.removeLast()
            }
            let url = parts.joined(separator: ":")
            return StackFrame(
                function: function, url: url.isEmpty ? nil : url, line: numbers.first,
                column: numbers.count > 1 ? numbers[1] : nil)
        }
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        self[(firstIndex { !predicate($0) } ?? endIndex)...]
    }
}
