/// An error a binding call produces, worded as production words it.
///
/// When JS misuses a binding, the JS side throws ``jsErrorName`` with ``message``, so a worker
/// sees the same error type and text it would see on Cloudflare, e.g. `TypeError: Key name
/// cannot be empty.` or `Error: KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key
/// length limit of 512.`
public struct BindingError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; don't `switch` exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable {
            case invalidArgument
            case limitExceeded
            case storage
        }
        let value: Value

        /// An argument is malformed (a `TypeError` in JS, or a 400 from the service).
        public static let invalidArgument = Code(value: .invalidArgument)
        /// A size or count limit was exceeded (a 413/414 from the service).
        public static let limitExceeded = Code(value: .limitExceeded)
        /// The store failed; ``BindingError/cause`` has the storage error.
        public static let storage = Code(value: .storage)

        public var description: String { "\(value)" }
    }

    /// The kind of failure.
    public var code: Code
    /// The error's text, as production words it.
    public var message: String
    /// The JS error constructor production throws: `TypeError` or `Error`.
    public var jsErrorName: String
    /// The HTTP status production's service answered with (400, 413, 414), when there is one.
    public var status: Int?
    /// The underlying error, for `.storage`.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        jsErrorName: String = "Error",
        status: Int? = nil,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.jsErrorName = jsErrorName
        self.status = status
        self.cause = cause
    }

    /// `message`, as JS shows it after the error name.
    public var description: String { message }
}
