import Foundation
import HTTPTypes
import KindlingHTTP
import KindlingTesting
import NIOCore
import Synchronization
import Testing

/// The server a worker's `fetch()` reaches in these tests: a KindlingHTTP server on 127.0.0.1 (port 0) with a few
/// routes, recording what it saw.
///
/// - `/echo…`: a JSON description of the request (method, path, headers, body as text).
/// - `/redirect/<status>?to=<path>`: that status with `Location: <path>` (relative), no body.
/// - `/loop`: a 302 to itself.
/// - `/large?bytes=<n>`: n bytes, byte i being i % 251.
/// - `/hang`: a head and a first chunk, then a chunk every 10 ms until the client goes away.
/// - `/stall`: nothing until ``released`` fired (firing ``stalled`` when the request came), then as `/hang`.
/// - `/slow`: a chunked body, "first;" then, once ``released`` fired, "last".
/// - `/drop`: a head announcing 1,000,000 bytes and "partial"; once ``released`` fired, the connection is cut.
/// - `/generate?mib=<n>`: n MiB in 64 KiB chunks, each written when the client takes the previous ones (byte i
///   being i % 251), so the server holds none of it.
/// - `/upload`: reads the request body part by part (firing ``uploadStarted`` at the first) and answers it as text.
/// - `/relay`: answers each part of the request body as it arrives, as a chunk of the response.
final class OriginServer: Sendable {
    let port: Int
    /// The paths of the requests received, in order.
    var paths: [String] { seen.withLock { $0 } }
    /// Fires when `/hang` has sent its head.
    let hanging = Signal()
    /// Fires when `/stall` has received its request.
    let stalled = Signal()
    /// Fires when `/hang`'s (or `/stall`'s) client has gone away.
    let hangEnded = Signal()
    /// Lets `/slow` send its last chunk, `/drop` cut its connection and `/stall` answer.
    let released = Signal()
    /// Fires when `/upload` has received the first part of its body.
    let uploadStarted = Signal()

    private let server: HTTPServer
    private let seen: Mutex<[String]>

    private init(server: HTTPServer, port: Int) {
        self.server = server
        self.port = port
        self.seen = Mutex([])
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts a server, runs `body` and always shuts the server down.
    static func with<T>(_ body: (OriginServer) async throws -> T) async throws -> T {
        let box = Box()
        // Off the event loop: the responses are built in debug-built test code, and the loops are shared with the
        // HTTP client under test.
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.respondsOnEventLoop = false
        let server = HTTPServer(
            configuration: configuration,
            responder: HTTPResponderFunction { request, requestBody, _, writer in
                try await box.origin?.respond(request, requestBody, writer)
            })
        let port = try #require(try await server.start().port)
        let origin = OriginServer(server: server, port: port)
        box.origin = origin
        do {
            let result = try await body(origin)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    private func respond(_ request: HTTPRequest, _ body: HTTPRequestBody, _ writer: HTTPResponseWriter) async throws {
        let path = request.path ?? "/"
        seen.withLock { $0.append(path) }
        let url = URLComponents(string: path)
        let query = Dictionary((url?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let route = url?.path ?? path
        if route.hasPrefix("/echo") {
            let bytes = try await body.collect(upTo: 1 << 24)
            let echo: [String: Any] = [
                "method": request.method.rawValue,
                "path": path,
                "headers": request.headerFields.map { [$0.name.canonicalName, $0.value] }
                    + [["host", request.authority ?? ""]],
                "body": String(buffer: bytes),
            ]
            let json = try JSONSerialization.data(withJSONObject: echo, options: [.sortedKeys])
            try await writer.write(
                HTTPResponse(status: .ok, headerFields: [.contentType: "application/json"]),
                body: ByteBuffer(bytes: json))
        } else if route.hasPrefix("/redirect/"), let status = Int(route.dropFirst("/redirect/".count)) {
            var fields = HTTPFields()
            fields[.location] = query["to"] ?? "/echo"
            try await writer.write(HTTPResponse(status: .init(code: status), headerFields: fields))
        } else if route == "/loop" {
            try await writer.write(HTTPResponse(status: .found, headerFields: [.location: "/loop"]))
        } else if route == "/large" {
            let count = Int(query["bytes"] ?? "") ?? 0
            let pattern = (0..<251).map { UInt8($0) }
            var buffer = ByteBuffer()
            buffer.reserveCapacity(count)
            for _ in 0..<count / 251 { buffer.writeBytes(pattern) }
            buffer.writeBytes(pattern[0..<count % 251])
            try await writer.write(HTTPResponse(status: .ok), body: buffer)
        } else if route == "/hang" || route == "/stall" {
            if route == "/stall" {
                stalled.fire()
                await released.wait()
            }
            do {
                let stream = try await writer.writeHead(
                    HTTPResponse(status: .ok, headerFields: [.contentLength: "1000000"]))
                try await stream.write("first chunk")
                hanging.fire()
                while true {
                    try await Task.sleep(for: .milliseconds(10))
                    try await stream.write(".")
                }
            } catch {
                hangEnded.fire()
                throw error
            }
        } else if route == "/slow" {
            let stream = try await writer.writeHead(HTTPResponse(status: .ok))
            try await stream.write("first;")
            await released.wait()
            try await stream.write("last")
            try await stream.finish()
        } else if route == "/drop" {
            let stream = try await writer.writeHead(
                HTTPResponse(status: .ok, headerFields: [.contentLength: "1000000"]))
            try await stream.write("partial")
            await released.wait()
            throw CancellationError()  // a responder that throws mid-body has its connection cut
        } else if route == "/generate" {
            let chunk = 64 << 10
            let count = (Int(query["mib"] ?? "") ?? 0) << 20
            let stream = try await writer.writeHead(
                HTTPResponse(status: .ok, headerFields: [.contentLength: String(count)]))
            let pattern = (0..<(chunk + 251)).map { UInt8($0 % 251) }
            for offset in stride(from: 0, to: count, by: chunk) {
                // Byte i is i % 251: this chunk starts at offset % 251 in the pattern.
                let start = offset % 251
                try await stream.write(ByteBuffer(bytes: pattern[start..<start + min(chunk, count - offset)]))
            }
            try await stream.finish()
        } else if route == "/upload" {
            var received = ByteBuffer()
            for try await part in body {
                if received.readableBytes == 0 { uploadStarted.fire() }
                received.writeImmutableBuffer(part)
            }
            try await writer.write(HTTPResponse(status: .ok), body: received)
        } else if route == "/relay" {
            let stream = try await writer.writeHead(HTTPResponse(status: .ok))
            for try await part in body { try await stream.write(part) }
            try await stream.finish()
        } else {
            try await writer.write(HTTPResponse(status: .notFound), body: "no route for \(path)")
        }
    }

    /// Holds the origin for the responder, which is made before the origin (it needs the port).
    private final class Box: Sendable {
        private let value = Mutex<OriginServer?>(nil)
        var origin: OriginServer? {
            get { value.withLock { $0 } }
            set { value.withLock { $0 = newValue } }
        }
    }
}

/// A port on 127.0.0.1 where nothing listens (a server was started there and shut down).
func closedPort() async throws -> Int {
    let server = HTTPServer(
        configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0),
        responder: HTTPResponderFunction { _, _, _, writer in try await writer.write(HTTPResponse(status: .ok)) })
    let port = try #require(try await server.start().port)
    await server.shutdown()
    return port
}
