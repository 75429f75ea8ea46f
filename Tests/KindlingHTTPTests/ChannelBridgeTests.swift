import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import KindlingHTTP

/// Counts the `read()` calls that get past the bridge, i.e. how often the socket would be read.
private final class ReadCounter: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = Any
    let reads = Mutex(0)
    func read(context: ChannelHandlerContext) {
        self.reads.withLock { $0 += 1 }
        context.read()
    }
}

@Suite("HTTPChannelBridge: back-pressure, ordering and idleness", .timeLimit(.minutes(1)))
struct ChannelBridgeTests {
    @Test("reads stop while 16 request parts wait for the task, and resume once it has taken them down to 4")
    func readBackPressure() async throws {
        let channel = EmbeddedChannel()
        let counter = ReadCounter()
        let bridge = HTTPChannelBridge(channel: channel)
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(bridge)

        channel.read()
        #expect(counter.reads.withLock { $0 } == 1)  // nothing buffered: the read goes through

        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")))
        for index in 0..<15 {
            try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: "chunk \(index)")))
        }
        channel.read()
        #expect(counter.reads.withLock { $0 } == 1)  // 16 parts waiting: held

        guard case .head = try await bridge.next() else { Issue.record("expected the head first"); return }
        for index in 0..<11 {
            guard case .body(let chunk) = try await bridge.next() else { Issue.record("expected a body part"); return }
            #expect(String(buffer: chunk) == "chunk \(index)")
        }
        #expect(counter.reads.withLock { $0 } == 2)  // down to 4 waiting: the held read is issued
        _ = try channel.finish()
    }

    @Test("callback path: a taken head's end is dropped; what arrives meanwhile waits for the exchange, then the task")
    func callbackExchangeKeepsOrder() async throws {
        let channel = EmbeddedChannel()
        let bridge = HTTPChannelBridge(channel: channel)
        try channel.pipeline.syncOperations.addHandler(bridge)
        let offered = Mutex<[String]>([])
        bridge.setCallbackPath { head in
            offered.withLock { $0.append(head.uri) }
            return head.uri == "/taken"
        }
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/taken")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/next")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        #expect(offered.withLock { $0 } == ["/taken"])  // /next came while /taken was in flight: not offered

        // The task, not parked when /next arrived, must not take it while /taken is being answered.
        let reader = Task { try await bridge.next() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(bridge.hasParkedReader)
        #expect(bridge.finishCallbackExchange())
        guard case .head(let head) = try await reader.value else { Issue.record("expected /next's head"); return }
        #expect(head.uri == "/next")
        guard case .end = try await bridge.next() else { Issue.record("expected /next's end"); return }

        // A request handed back to the task comes first, with an end of its own in place of the dropped one.
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/taken")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))  // dropped
        try channel.writeInbound(HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/third")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        #expect(bridge.finishCallbackExchange(handingOff: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/taken")))
        var uris: [String] = []
        for _ in 0..<4 {
            switch try await bridge.next() {
            case .head(let head): uris.append(head.uri)
            case .end: uris.append("end")
            default: uris.append("other")
            }
        }
        #expect(uris == ["/taken", "end", "/third", "end"])
        _ = try channel.finish()
    }

    @Test(
        "idle event: closes only when the task waits for a head with nothing buffered and no request is in progress",
        arguments: [(waiting: true, busy: false, closes: true), (true, true, false), (false, false, false)]
    )
    func idleEvent(waiting: Bool, busy: Bool, closes: Bool) async throws {
        let channel = EmbeddedChannel()
        let bridge = HTTPChannelBridge(channel: channel)
        try channel.pipeline.syncOperations.addHandler(bridge)
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        bridge.setBusyCheck { busy }
        let reader = Task { try await bridge.next() }
        if waiting {
            while !bridge.hasParkedReader { await Task.yield() }
        } else {
            reader.cancel()
            try channel.writeInbound(HTTPServerRequestPart.end(nil))  // a part waiting for the task
        }
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(channel.isActive == !closes)
        if channel.isActive { _ = try channel.finish() }
        _ = try? await reader.value
    }

    @Test("a part that arrives while the task waits is handed over directly; close ends the stream with nil")
    func handOverAndClose() async throws {
        let channel = EmbeddedChannel()
        let bridge = HTTPChannelBridge(channel: channel)
        try channel.pipeline.syncOperations.addHandler(bridge)
        async let first = bridge.next()
        // Give the reader a chance to park; correctness does not depend on it, both paths return the part.
        await Task.yield()
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        guard case .end = try await first else { Issue.record("expected .end"); return }
        _ = try channel.finish()
        #expect(try await bridge.next() == nil)
        #expect(throws: HTTPServerError.self) { try bridge.write(.end(nil)) }
    }
}

/// Answers that come back from another thread for many connections at once: their tasks resume on their event
/// loops (EventLoopTaskExecutor), each with its own answer, in order per connection.
@Suite("HTTPServer: answers from another thread for many connections", .timeLimit(.minutes(1)))
struct ManyAnswersFromElsewhereTests {
    /// Echoes the path after a hop to another actor, and says whether the responder was back on an event loop.
    static let echo = responder { request, _, _, writer in
        let path = await OtherExecutor().echo(request.path ?? "")
        let onLoop = MultiThreadedEventLoopGroup.currentEventLoop != nil
        try await writer.write(HTTPResponse(status: .ok), body: "\(path) \(onLoop ? "on-loop" : "elsewhere")")
    }

    @Test("32 connections, 20 requests each: every answer is its own, and the responder resumes on its loop")
    func manyConnections() async throws {
        try await withServer(responder: Self.echo) { _, port in
            try await withThrowingTaskGroup(of: [String].self) { group in
                for connection in 0..<32 {
                    group.addTask {
                        let client = try await RawHTTPClient.connect(port: port)
                        var mismatches: [String] = []
                        for request in 0..<20 {
                            try await client.send("GET /\(connection)/\(request) HTTP/1.1\r\nHost: x\r\n\r\n")
                            let text = try await client.readResponse().text
                            if text != "/\(connection)/\(request) on-loop" { mismatches.append(text) }
                        }
                        await client.close()
                        return mismatches
                    }
                }
                for try await mismatches in group { #expect(mismatches == []) }
            }
        }
    }

    @Test("pipelined requests answered from another thread come back in the order sent")
    func pipelined() async throws {
        try await withServer(responder: Self.echo) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send((0..<10).map { "GET /\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
            for index in 0..<10 {
                #expect(try await client.readResponse().text == "/\(index) on-loop")
            }
            await client.close()
        }
    }
}

/// An actor that is not the connection's event loop, like a worker isolate.
private actor OtherExecutor {
    func echo(_ text: String) -> String { text }

    func stream(_ body: HTTPResponseBodyWriter, pieces: Int) async throws {
        for index in 0..<pieces { try await body.write("piece \(index);") }
    }
}

@Suite("HTTPServer: responders on other executors", .timeLimit(.minutes(1)))
struct OtherExecutorTests {
    @Test(
        "parts written from another executor stay in order with the end the server writes",
        arguments: [true, false]
    )
    func orderAcrossExecutors(respondsOnEventLoop: Bool) async throws {
        let other = OtherExecutor()
        let streaming = responder { _, _, _, writer in
            let body = try await writer.writeHead(HTTPResponse(status: .ok))
            try await other.stream(body, pieces: 200)
            // Returns without finish(): the server ends the body from the connection's task.
        }
        try await withServer(configure: { $0.respondsOnEventLoop = respondsOnEventLoop }, responder: streaming) {
            _, port in
            let client = try await RawHTTPClient.connect(port: port)
            for _ in 0..<3 {
                try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.text == (0..<200).map { "piece \($0);" }.joined())
                #expect(response.chunks.count == 200)
            }
            await client.close()
        }
    }

    @Test("uploads and full responses work with responders off the event loop", arguments: [false])
    func offLoopBasics(respondsOnEventLoop: Bool) async throws {
        try await withServer(configure: { $0.respondsOnEventLoop = respondsOnEventLoop }, responder: StreamingTests.counter) {
            _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
            #expect(try await client.readResponse().text.hasPrefix("bytes=3 "))
            try await client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await client.readHead().status == 100)
            try await client.send("hi")
            #expect(try await client.readResponse().text.hasPrefix("bytes=2 "))
            await client.close()
        }
    }
}
