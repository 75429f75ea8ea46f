/// A JavaScript exception that reached Swift: thrown by user code, a rejected promise, or a script that failed to
/// load or ran out of CPU time.
public struct ScriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error's `name` (`TypeError`, `SyntaxError`, …); `Error` for a thrown value that is not an error object.
    public var name: String
    /// The error's `message`, or the thrown value converted to a string.
    public var message: String
    /// The stack, one `    at fn (file:line:column)` line per frame under a `Name: message` line; frames are mapped
    /// to the user's files and lines when the script carried a source map. Empty when JavaScriptCore gave none.
    public var stack: String
    /// The user's file of the innermost frame (or of a syntax error), when known.
    public var sourceURL: String?
    /// The 1-based line in ``sourceURL``, when known.
    public var line: Int?
    /// The 1-based column in ``sourceURL``, when known.
    public var column: Int?

    /// Creates an error from its parts.
    public init(
        name: String, message: String, stack: String = "", sourceURL: String? = nil, line: Int? = nil,
        column: Int? = nil
    ) {
        self.name = name
        self.message = message
        self.stack = stack
        self.sourceURL = sourceURL
        self.line = line
        self.column = column
    }

    /// `Name: message`, as JavaScript's `String(error)` prints it.
    public var description: String {
        var text = message.isEmpty ? name : "\(name): \(message)"
        if let sourceURL {
            text += " (\(sourceURL)"
            if let line { text += ":\(line)" }
            if let column { text += ":\(column)" }
            text += ")"
        }
        return text
    }

    /// The message of a script stopped by the CPU time limit.
    public static let cpuLimitMessage = "Worker exceeded CPU time limit."

    /// Whether this error is the CPU time limit stopping a script.
    public var isCPULimitExceeded: Bool { message == Self.cpuLimitMessage }
}
