/// An error raised by the JavaScript runtime itself (not by user JavaScript): a worker could not be bundled, the
/// isolate was shut down, a worker has no handler for an event.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; new codes may be added without breaking a `switch` over the known ones.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case bundleFailed, isolateShutDown, noHandler, invalidArgument
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// esbuild is missing, or it could not bundle the worker (a syntax error, an unresolved import).
        public static let bundleFailed = Code(.bundleFailed)
        /// The isolate was shut down before or during the call.
        public static let isolateShutDown = Code(.isolateShutDown)
        /// The worker does not handle the event (no `fetch` export, no `fetch` listener).
        public static let noHandler = Code(.noHandler)
        /// A Swift caller passed a value the runtime cannot use.
        public static let invalidArgument = Code(.invalidArgument)

        public var description: String { "\(value)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, written for the person who has to fix it.
    public var message: String
    /// The file the failure is about, when there is one.
    public var file: String?
    /// The 1-based line in ``file``, when known.
    public var line: Int?
    /// The 1-based column in ``file``, when known.
    public var column: Int?

    /// Creates an error.
    public init(code: Code, message: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        guard let file else { return message }
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}
