import HTTPTypes
import KindlingHTTP
import KindlingTesting
import NIOCore
import Synchronization
import Testing

/// Starts a server on 127.0.0.1, port 0, runs `body` with its port, and always shuts it down.
func withServer<T>(
    configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    responder: some HTTPResponder,
    _ body: (_ server: HTTPServer, _ port: Int) async throws -> T
) async throws -> T {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, responder: responder)
    let address = try await server.start()
    let port = try #require(address.port)
    do {
        let result = try await body(server, port)
        await server.shutdown()
        return result
    } catch {
        await server.shutdown()
        throw error
    }
}

/// A responder from a closure, with a shorter spelling for tests.
func responder(
    _ respond: @escaping @Sendable (HTTPRequest, HTTPRequestBody, HTTPRequestContext, HTTPResponseWriter) async throws
        -> Void
) -> HTTPResponderFunction {
    HTTPResponderFunction(respond)
}

/// Answers `Hello, world!` to everything.
let helloResponder = responder { _, _, _, writer in
    try await writer.write(HTTPResponse(status: .ok, headerFields: [.contentType: "text/plain"]), body: "Hello, world!")
}

/// Records values from responders for the test to inspect.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { self.values.withLock { $0.append(value) } }
    var all: [Value] { self.values.withLock { $0 } }
}
