import Dispatch
import HTTPTypes
import KindlingHTTP
import KindlingTesting
import NIOCore
import Synchronization
import Testing

/// A responder whose callback path is a closure; its async path answers `task <path>`, so a test sees which path
/// answered a request from the response alone.
struct CallbackTestResponder: HTTPCallbackResponder {
    let callback: @Sendable (HTTPRequest, HTTPReply) -> Bool
    let exchanges = Recorder<HTTPExchange>()

    func respond(to request: HTTPRequest, context: HTTPRequestContext, reply: HTTPReply) -> Bool {
        self.callback(request, reply)
    }

    func respond(
        to request: HTTPRequest, body: HTTPRequestBody, context: HTTPRequestContext, writer: HTTPResponseWriter
    ) async throws {
        var text = "task \(request.path ?? "")"
        var bytes = try await body.collect(upTo: 1 << 20)
        if bytes.readableBytes > 0 { text += " " + (bytes.readString(length: bytes.readableBytes) ?? "") }
        try await writer.write(HTTPResponse(status: .ok), body: text)
    }

    func exchangeDidFinish(_ exchange: HTTPExchange) {
        self.exchanges.append(exchange)
    }
}

/// Answers `callback <path>` with a header of its own, from the event loop right away.
func answerAtOnce(_ request: HTTPRequest, _ reply: HTTPReply) -> Bool {
    reply.send(
        status: .init(code: 201, reasonPhrase: "Made"), headerLines: [("X-Path", request.path ?? ""), ("x-b", "2")],
        body: ByteBuffer(string: "callback \(request.path ?? "")"))
    return true
}

/// Answers `late <path>` from another thread after `milliseconds`.
func answerLater(milliseconds: Int) -> @Sendable (HTTPRequest, HTTPReply) -> Bool {
    { request, reply in
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
            reply.send(HTTPResponse(status: .ok), body: ByteBuffer(string: "late \(request.path ?? "")"))
        }
        return true
    }
}

@Suite("HTTPServer: the callback path for requests without a body", .timeLimit(.minutes(1)))
struct CallbackResponderTests {
    @Test("a GET is answered by the callback: status line, the responder's header lines, framing, and the exchange logged")
    func answeredAtOnce() async throws {
        let responder = CallbackTestResponder(callback: answerAtOnce)
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET /hello?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 201)
            #expect(response.reason == "Made")
            #expect(response.text == "callback /hello?x=1")
            #expect(response.headers.prefix(2).map(\.name) == ["X-Path", "x-b"])
            #expect(response.header("content-length") == "19")
            #expect(response.header("date")?.hasSuffix(" GMT") == true)
            await client.close()
        }
        let exchange = try #require(responder.exchanges.all.first)
        #expect(exchange.status?.code == 201)
        #expect(exchange.request.path == "/hello?x=1")
        #expect(exchange.responseBodyBytes == 19)
        #expect(exchange.error == nil)
    }

    @Test("replies from another thread, later: three requests on one kept-alive connection, each logged once")
    func laterFromAnotherThread() async throws {
        let responder = CallbackTestResponder(callback: answerLater(milliseconds: 20))
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            for index in 1...3 {
                try await client.send("GET /\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.text == "late /\(index)")
                #expect(response.header("connection") == nil)
            }
            #expect(!client.isClosed)
            await client.close()
        }
        #expect(responder.exchanges.all.map { $0.request.path } == ["/1", "/2", "/3"])
    }

    @Test(
        "bodies sent as bytes on one connection arrive whole, whatever the length before them, at once or from elsewhere",
        arguments: [false, true])
    func bodiesAsBytes(fromAnotherThread: Bool) async throws {
        // The connection reuses one buffer for a whole response (up to 4 KiB), copies bodies up to 16 KiB after the
        // head and sends longer ones apart: a shorter body after a longer one, bodies on either side of both sizes,
        // and one answered while the previous is still being read must not mix.
        let responder = CallbackTestResponder { request, reply in
            let path = request.path ?? "/"
            let count = Int(path.dropFirst(2)) ?? 0
            let letter = UInt8(ascii: path.dropFirst().first == "b" ? "b" : "a")
            let send: @Sendable () -> Void = {
                reply.send(status: .ok, headerLines: [("x-count", String(count))], body: Array(repeating: letter, count: count))
            }
            if fromAnotherThread { DispatchQueue.global().async(execute: send) } else { send() }
            return true
        }
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            for (letter, count) in [("a", 3000), ("b", 5), ("a", 40_000), ("b", 7), ("a", 0), ("b", 16_384)] {
                try await client.send("GET /\(letter)\(count) HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.header("content-length") == String(count))
                #expect(response.body == Array(repeating: UInt8(ascii: letter == "a" ? "a" : "b"), count: count))
            }
            await client.close()
        }
    }

    @Test("a reply's head on the wire: the request's HTTP version, the status line, lines as `name: value`, in order")
    func wireHead() async throws {
        let responder = CallbackTestResponder(callback: answerAtOnce)
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let old = try await client.readResponse()
            #expect(old.version == "HTTP/1.0")
            #expect(old.status == 201 && old.reason == "Made")
            #expect(old.headerLines.filter { !$0.hasPrefix("date: ") } == [
                "X-Path: /a", "x-b: 2", "content-length: 11", "connection: keep-alive",
            ])
            try await client.send("GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let new = try await client.readResponse()
            #expect(new.version == "HTTP/1.1")
            #expect(new.headerLines.filter { !$0.hasPrefix("date: ") } == [
                "X-Path: /b", "x-b: 2", "content-length: 11", "connection: close",
            ])
            #expect(new.text == "callback /b")
            await client.close()
        }
    }

    @Test("with respondsOnEventLoop off, the callback path is not used")
    func offTheEventLoop() async throws {
        let responder = CallbackTestResponder(callback: answerAtOnce)
        try await withServer(configure: { $0.respondsOnEventLoop = false }, responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "task /plain")
            await client.close()
        }
    }

    @Test("requests with a body, chunked, or expecting 100 go to the async method; so does one the callback declines")
    func otherRequestsTakeTheTask() async throws {
        let responder = CallbackTestResponder { request, reply in
            request.path == "/decline" ? false : answerAtOnce(request, reply)
        }
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST /sized HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            #expect(try await client.readResponse().text == "task /sized abc")
            try await client.send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n")
            #expect(try await client.readResponse().text == "task /chunked hi")
            try await client.send("POST /expect HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await client.readHead().status == 100)
            try await client.send("ok")
            #expect(try await client.readResponse().text == "task /expect ok")
            try await client.send("GET /decline HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "task /decline")
            try await client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "callback /after")
            await client.close()
        }
        #expect(responder.exchanges.all.count == 5)
    }

    @Test("continueAsync: a streamed body from the connection's task, then the callback path again")
    func continueAsyncStreams() async throws {
        let responder = CallbackTestResponder { request, reply in
            guard request.path == "/stream" else { return answerAtOnce(request, reply) }
            DispatchQueue.global().async {
                reply.continueAsync { writer in
                    let body = try await writer.writeHead(HTTPResponse(status: .ok))
                    try await body.write("one,")
                    try await body.write("two")
                    try await body.finish()
                }
            }
            return true
        }
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
            let streamed = try await client.readResponse()
            #expect(streamed.header("transfer-encoding") == "chunked")
            #expect(streamed.chunks.map { String(decoding: $0, as: UTF8.self) } == ["one,", "two"])
            try await client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "callback /next")
            await client.close()
        }
        #expect(responder.exchanges.all.map { $0.request.path } == ["/stream", "/next"])
    }

    @Test("continueAsync with a function that throws before writing: 500 naming the error, connection kept")
    func continueAsyncThrows() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the handler broke" } }
        let responder = CallbackTestResponder { request, reply in
            guard request.path == "/broken" else { return answerAtOnce(request, reply) }
            reply.continueAsync { _ in throw Broken() }
            return true
        }
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET /broken HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 500)
            #expect(response.text.contains("the handler broke"))
            try await client.send("GET /fine HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "callback /fine")
            await client.close()
        }
    }

    @Test("pipelined requests while a reply is pending are answered in order")
    func pipelinedInOrder() async throws {
        let responder = CallbackTestResponder(callback: answerLater(milliseconds: 50))
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send(
                "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nPOST /3 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz")
            #expect(try await client.readResponse().text == "late /1")
            #expect(try await client.readResponse().text.hasSuffix("/2"))
            #expect(try await client.readResponse().text == "task /3 z")
            await client.close()
        }
    }

    @Test("HEAD keeps Content-Length and sends no body; Connection: close is honoured after the reply")
    func headAndClose() async throws {
        let responder = CallbackTestResponder(callback: answerAtOnce)
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await client.readResponse(toHead: true)
            #expect(head.header("content-length") == "11")  // "callback /h"
            try await client.send("GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let last = try await client.readResponse()
            #expect(last.text == "callback /last")
            #expect(last.header("connection") == "close")
            try await client.expectClose()
        }
    }

    @Test("a client that half-closes after its request still gets the late reply")
    func halfClosedClient() async throws {
        let responder = CallbackTestResponder(callback: answerLater(milliseconds: 50))
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET /half HTTP/1.1\r\nHost: x\r\n\r\n")
            try await client.shutdownOutput()
            #expect(try await client.readResponse().text == "late /half")
            try await client.expectClose()
        }
    }

    @Test("shutdown waits for a pending reply, which says Connection: close, then the connection closes")
    func shutdownWaitsForReply() async throws {
        let started = Signal()
        let pending = Mutex<HTTPReply?>(nil)
        let responder = CallbackTestResponder { request, reply in
            guard request.path == "/slow" else { return answerAtOnce(request, reply) }
            pending.withLock { $0 = reply }
            started.fire()
            return true
        }
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: responder)
        let port = try #require(try await server.start().port)
        let idle = try await RawHTTPClient.connect(port: port)
        try await idle.send("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await idle.readResponse().text == "callback /warm")
        let client = try await RawHTTPClient.connect(port: port)
        try await client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        await started.wait()
        let shutdown = Task { await server.shutdown() }
        try await idle.expectClose()  // the server is quiescing its connections
        pending.withLock { $0 }?.send(HTTPResponse(status: .ok), body: ByteBuffer(string: "finished"))
        let response = try await client.readResponse()
        #expect(response.text == "finished")
        #expect(response.header("connection") == "close")
        try await client.expectClose()
        await shutdown.value
    }

    @Test("a second reply is ignored, and so is continueAsync after a reply")
    func secondReplyIgnored() async throws {
        let responder = CallbackTestResponder { request, reply in
            reply.send(HTTPResponse(status: .ok), body: ByteBuffer(string: "first \(request.path ?? "")"))
            reply.send(HTTPResponse(status: .ok), body: ByteBuffer(string: "second"))
            reply.continueAsync { writer in try await writer.write(HTTPResponse(status: .ok), body: "third") }
            return true
        }
        try await withServer(responder: responder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "first /a")
            #expect(try await client.readResponse().text == "first /b")
            await client.close()
        }
        #expect(responder.exchanges.all.map { $0.request.path } == ["/a", "/b"])
    }

    @Test("past the shutdown grace period the connection closes; the late reply is logged with the error")
    func replyAfterClose() async throws {
        let started = Signal()
        let pending = Mutex<HTTPReply?>(nil)
        let responder = CallbackTestResponder { _, reply in
            pending.withLock { $0 = reply }
            started.fire()
            return true
        }
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.shutdownGracePeriod = .milliseconds(50)
        let server = HTTPServer(configuration: configuration, responder: responder)
        let port = try #require(try await server.start().port)
        let client = try await RawHTTPClient.connect(port: port)
        try await client.send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        await started.wait()
        await server.shutdown()
        try await client.expectClose()
        pending.withLock { $0 }?.send(HTTPResponse(status: .ok), body: ByteBuffer(string: "too late"))
        // The reply hops to the connection's event loop: wait for it to be logged.
        for _ in 0..<200 where responder.exchanges.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        let exchange = try #require(responder.exchanges.all.first)
        #expect(exchange.request.path == "/stuck")
        #expect(exchange.status?.code == 200)
        #expect((exchange.error as? HTTPServerError)?.code == .connectionClosed)
    }
}
