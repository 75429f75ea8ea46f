/// An error from a `Kindling` instance: bad options, a failed start-up, a request that cannot be
/// routed. Its ``message`` is one line a user can act on.
public struct KindlingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is, for code that reacts to it.
    public enum Code: String, Sendable, Hashable {
        /// A route pattern that Cloudflare would refuse.
        case invalidRoute
        /// Options that cannot describe a working instance (a duplicate worker name, a binding
        /// to a worker that does not exist, …).
        case invalidOptions
        /// A worker's script failed to bundle or to load.
        case workerFailed
        /// A request went to a worker or entrypoint that cannot handle it.
        case noHandler
        /// The instance was disposed.
        case disposed
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
