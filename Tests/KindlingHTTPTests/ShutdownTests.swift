import HTTPTypes
import KindlingHTTP
import KindlingTesting
import NIOCore
import NIOPosix
import Testing

@Suite("HTTPServer: binding and shutdown", .timeLimit(.minutes(1)))
struct ShutdownTests {
    @Test("port in use: the second server's error names the address and suggests --port")
    func portInUse() async throws {
        try await withServer(responder: helloResponder) { _, port in
            let second = HTTPServer(configuration: .init(host: "127.0.0.1", port: port), responder: helloResponder)
            let error = await #expect(throws: HTTPServerError.self) { try await second.start() }
            #expect(error?.code == .addressInUse)
            #expect(
                error?.message
                    == "Address already in use: 127.0.0.1:\(port) — is another kindling dev running? "
                    + "Use --port to choose another."
            )
            #expect(error?.description == error?.message)
            await second.shutdown()
        }
    }

    @Test("start twice: the second call throws invalidState")
    func startTwice() async throws {
        try await withServer(responder: helloResponder) { server, _ in
            let error = await #expect(throws: HTTPServerError.self) { try await server.start() }
            #expect(error?.code == .invalidState)
        }
    }

    @Test("shutdown: idle connections close at once; an in-flight request finishes with Connection: close")
    func shutdownFinishesInFlight() async throws {
        let started = Signal()
        let release = Signal()
        let slow = responder { request, _, _, writer in
            if request.path == "/slow" {
                started.fire()
                await release.wait()
            }
            try await writer.write(HTTPResponse(status: .ok), body: "finished \(request.path ?? "")")
        }
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: slow)
        let port = try #require(try await server.start().port)
        let idle = try await RawHTTPClient.connect(port: port)
        try await idle.send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await idle.readResponse().text == "finished /warm")
        let busy = try await RawHTTPClient.connect(port: port)
        try await busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        await started.wait()

        let shutdown = Task { await server.shutdown() }
        try await idle.expectClose()  // closed while /slow is still waiting
        release.fire()
        let response = try await busy.readResponse()
        #expect(response.text == "finished /slow")
        #expect(response.header("connection") == "close")
        try await busy.expectClose()
        await shutdown.value

        await #expect(throws: (any Error).self) { _ = try await RawHTTPClient.connect(port: port) }
    }

    @Test("shutdown: idle keep-alive connections are closed at once")
    func shutdownClosesIdle() async throws {
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: helloResponder)
        let port = try #require(try await server.start().port)
        let client = try await RawHTTPClient.connect(port: port)
        try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().text == "Hello, world!")
        await server.shutdown()
        try await client.expectClose()
    }

    @Test("shutdown: past the grace period a stuck request's connection is closed and its responder cancelled")
    func shutdownDeadline() async throws {
        let started = Signal()
        let cancelled = Recorder<Bool>()
        let stuck = responder { _, _, _, writer in
            started.fire()
            try? await Task.sleep(for: .seconds(3600))  // ends only by cancellation
            cancelled.append(Task.isCancelled)
            try await writer.write(HTTPResponse(status: .ok), body: "too late")
        }
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.shutdownGracePeriod = .milliseconds(200)
        let server = HTTPServer(configuration: configuration, responder: stuck)
        let port = try #require(try await server.start().port)
        let client = try await RawHTTPClient.connect(port: port)
        try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        await started.wait()
        let shutdown = Task { await server.shutdown() }
        try await client.expectClose()
        await shutdown.value
        #expect(cancelled.all == [true])
    }

    @Test("idle timeout: a connection that sends nothing is closed by the server")
    func idleTimeout() async throws {
        try await withServer(configure: { $0.idleTimeout = .milliseconds(50) }, responder: helloResponder) { _, port in
            let idle = try await RawHTTPClient.connect(port: port)
            try await idle.expectClose()
        }
    }

    @Test("run(): serves until cancelled, then shuts down")
    func runUntilCancelled() async throws {
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: helloResponder)
        let port = try #require(try await server.start().port)
        let running = Task { try await server.run() }
        let client = try await RawHTTPClient.connect(port: port)
        try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().text == "Hello, world!")
        running.cancel()
        try await running.value
        try await client.expectClose()
        #expect(await server.localAddress == nil)
    }
}
