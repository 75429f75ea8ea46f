/// An error from the HTTP front end: binding a port, reading a request body, writing a response.
///
/// `code` says what kind of failure it is; `message` is written for the person who has to fix it.
///
/// ```swift
/// do {
///     try await server.start()
/// } catch let error as HTTPServerError where error.code == .addressInUse {
///     print(error.message)  // Address already in use: 127.0.0.1:8787 — is another kindling dev running? …
/// }
/// ```
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. New codes may be added, so a `switch` over them needs a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case addressInUse
            case bindFailed
            case invalidState
            case responseAlreadyStarted
            case responseFinished
            case bodyAlreadyConsumed
            case requestBodyTooLarge
            case requestBodyIncomplete
            case bodyLengthMismatch
            case connectionClosed
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The host and port are taken by another socket.
        public static let addressInUse = Code(.addressInUse)
        /// Binding failed for another reason (bad host name, permission, …).
        public static let bindFailed = Code(.bindFailed)
        /// `start()` or `shutdown()` was called in a state that does not allow it.
        public static let invalidState = Code(.invalidState)
        /// A responder tried to write a second response head for one request.
        public static let responseAlreadyStarted = Code(.responseAlreadyStarted)
        /// A responder wrote after the response ended (or after `respond` returned).
        public static let responseFinished = Code(.responseFinished)
        /// The request body was iterated twice, or after `respond` returned.
        public static let bodyAlreadyConsumed = Code(.bodyAlreadyConsumed)
        /// The request body is larger than ``HTTPServerConfiguration/maxRequestBodyBytes``.
        public static let requestBodyTooLarge = Code(.requestBodyTooLarge)
        /// The client closed the connection before the request body ended.
        public static let requestBodyIncomplete = Code(.requestBodyIncomplete)
        /// A streamed response wrote more bytes than its `Content-Length` announced.
        public static let bodyLengthMismatch = Code(.bodyLengthMismatch)
        /// The connection closed while a response was being written.
        public static let connectionClosed = Code(.connectionClosed)

        /// The code's name, such as `addressInUse`.
        public var description: String { "\(self.base)" }
    }

    /// What kind of failure this is.
    public var code: Code
    /// One line for the person who has to fix it.
    public var message: String
    /// The underlying error, if any (for example NIO's `IOError`).
    public var cause: (any Error)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: One line that says what is wrong and how to fix it.
    ///   - cause: The underlying error, if any.
    public init(code: Code, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message, on one line.
    public var description: String { self.message }

    /// The message followed by the chain of causes, one per line, indented as a tree.
    public var detailedDescription: String {
        var lines = [self.message]
        var cause = self.cause
        var depth = 1
        while let current = cause {
            let indent = String(repeating: "  ", count: depth - 1)
            if let next = current as? HTTPServerError {
                lines.append("\(indent)└─ \(next.message)")
                cause = next.cause
            } else {
                lines.append("\(indent)└─ \(current)")
                cause = nil
            }
            depth += 1
        }
        return lines.joined(separator: "\n")
    }
}

extension HTTPServerError {
    static func addressInUse(host: String, port: Int, cause: any Error) -> HTTPServerError {
        HTTPServerError(
            code: .addressInUse,
            message: "Address already in use: \(host):\(port) — is another kindling dev running? "
                + "Use --port to choose another.",
            cause: cause
        )
    }

    static func bindFailed(host: String, port: Int, cause: any Error) -> HTTPServerError {
        HTTPServerError(
            code: .bindFailed,
            message: "Could not listen on \(host):\(port): \(cause). Check --host and --port.",
            cause: cause
        )
    }

    static func requestBodyTooLarge(limit: Int) -> HTTPServerError {
        HTTPServerError(
            code: .requestBodyTooLarge,
            message: "The request body is larger than the limit of \(limit) bytes."
        )
    }

    static let requestBodyIncomplete = HTTPServerError(
        code: .requestBodyIncomplete,
        message: "The client closed the connection before the request body ended."
    )

    static let bodyAlreadyConsumed = HTTPServerError(
        code: .bodyAlreadyConsumed,
        message: "The request body can be read once, and only while the responder is handling its request."
    )

    static let responseAlreadyStarted = HTTPServerError(
        code: .responseAlreadyStarted,
        message: "A response head was already written for this request; write one response per request."
    )

    static let responseFinished = HTTPServerError(
        code: .responseFinished,
        message: "The response has already ended (or the responder returned); nothing more can be written."
    )
}
