import AsyncHTTPClient
import KindlingRuntime
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `TypeError`s a worker's `fetch()` rejects with when the network fails (Fetch Standard: a network error is a
/// `TypeError`), each saying what failed. workerd's own wording is used where it has one ("Network connection
/// lost.", "Fetch API cannot load: …").
enum NetworkError {
    static let connectionLost = "Network connection lost."

    /// The URL could not be turned into an HTTP request.
    static func cannotLoad(_ url: String) -> ScriptError {
        typeError("Fetch API cannot load: \(url)")
    }

    /// The Kindling instance (and its HTTP client) was disposed while the worker still fetched.
    static let disposed = typeError("fetch() failed: this Kindling instance was disposed.")

    /// The `TypeError` for an error from AsyncHTTPClient or SwiftNIO while sending `request`.
    static func describe(_ error: any Error, for request: HTTPClient.Request) -> any Error {
        if error is ScriptError { return error }
        let target = "\(request.host):\(request.port)"
        if let error = error as? HTTPClientError {
            switch error {
            case .remoteConnectionClosed: return typeError(connectionLost)
            case .connectTimeout: return typeError("Could not connect to \(target): the connection timed out.")
            case .tlsHandshakeTimeout: return typeError("TLS handshake with \(target) timed out.")
            case .readTimeout, .deadlineExceeded: return typeError("\(connectionLost) (\(target) stopped answering)")
            case .cancelled: return typeError("The fetch to \(target) was cancelled.")
            case .bodyLengthMismatch:
                return typeError("The request body's length did not match its Content-Length header.")
            case .alreadyShutdown: return disposed
            default: return typeError("\(connectionLost) (\(error))")
            }
        }
        if let error = error as? HTTPParserError, error == .invalidEOFState {
            // The server closed the connection before the body it announced had all come.
            return typeError(connectionLost)
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAAAAError != nil || error.dnsAError != nil, error.connectionErrors.isEmpty {
                return typeError("Could not resolve host \"\(request.host)\".")
            }
            let reasons = error.connectionErrors.map { reason(of: $0.error) }
            return typeError("Could not connect to \(target): \(reasons.first ?? "no address answered").")
        }
        // NIOSSL's error types, named rather than imported (the package is AsyncHTTPClient's dependency, not ours).
        if String(reflecting: type(of: error)).hasPrefix("NIOSSL.") {
            return typeError("TLS handshake with \(target) failed: \(error).")
        }
        if let error = error as? IOError {
            // A connect() that failed outright (the pool does not retry) comes as the socket's own error.
            if error.errnoCode == ECONNREFUSED || error.errnoCode == ENETUNREACH || error.errnoCode == EHOSTUNREACH {
                return typeError("Could not connect to \(target): \(reason(of: error)).")
            }
            return typeError("\(connectionLost) (\(reason(of: error)))")
        }
        return typeError("\(connectionLost) (\(error))")
    }

    /// A short reason for a socket error: "connection refused", not "connect(descriptor:…) failed: …".
    private static func reason(of error: any Error) -> String {
        guard let error = error as? IOError else { return "\(error)" }
        switch error.errnoCode {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset"
        case ENETUNREACH, EHOSTUNREACH: return "network unreachable"
        case ETIMEDOUT: return "timed out"
        default: return "\(error)"
        }
    }

    private static func typeError(_ message: String) -> ScriptError {
        ScriptError(name: "TypeError", message: message)
    }
}
