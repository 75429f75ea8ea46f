/// An error raised by the JavaScript runtime: a script failed to load or to run.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, written for the person who has to fix it.
    public var message: String

    /// Creates an error with a message.
    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
