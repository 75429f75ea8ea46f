import HTTPTypes
import KindlingHTTP
import KindlingTesting
import NIOCore
import Testing

@Suite("HTTPServer: requests, keep-alive, errors", .timeLimit(.minutes(1)))
struct HTTPServerTests {
    @Test("GET: a hello responder answers 200 with Content-Length, Date and the body, and no Server header")
    func helloWorld() async throws {
        try await withServer(responder: helloResponder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 200)
            #expect(response.reason == "OK")
            #expect(response.text == "Hello, world!")
            #expect(response.header("content-length") == "13")
            #expect(response.header("content-type") == "text/plain")
            #expect(response.header("transfer-encoding") == nil)
            #expect(response.header("server") == nil)
            let date = try #require(response.header("date"))
            #expect(date.hasSuffix(" GMT") && date.count == 29)
            await client.close()
        }
    }

    @Test("port 0: start() reports the port the kernel picked, and it serves there")
    func portZero() async throws {
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: helloResponder)
        let address = try await server.start()
        let port = try #require(address.port)
        #expect(port > 0)
        #expect(await server.localAddress?.port == port)
        let client = try await RawHTTPClient.connect(port: port)
        try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readResponse().text == "Hello, world!")
        await client.close()
        await server.shutdown()
        #expect(await server.localAddress == nil)
    }

    /// The request heads a responder saw for what `send` sent on one connection (each answered `200`).
    private func requestsSeen(_ send: (RawHTTPClient) async throws -> Void) async throws -> [HTTPRequest] {
        let seen = Recorder<HTTPRequest>()
        let echo = responder { request, _, _, writer in
            seen.append(request)
            try await writer.write(HTTPResponse(status: .ok))
        }
        try await withServer(responder: echo) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await send(client)
            await client.close()
        }
        return seen.all
    }

    @Test("request head: method, path with query, authority and header fields reach the responder")
    func requestHead() async throws {
        let requests = try await requestsSeen { client in
            try await client.send("DELETE /a/b?c=1&d=%20 HTTP/1.1\r\nHost: example.com:8787\r\nX-Thing: one\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
        }
        let request = try #require(requests.first)
        #expect(request.method == .delete)
        #expect(request.path == "/a/b?c=1&d=%20")
        #expect(request.authority == "example.com:8787")
        #expect(request.headerFields[HTTPField.Name("x-thing")!] == "one")
    }

    @Test("a Host header in any case is the authority; names that only start or end like it stay header fields")
    func hostHeaderNames() async throws {
        let requests = try await requestsSeen { client in
            try await client.send("GET / HTTP/1.1\r\nhOsT: example.com\r\nHost-Name: a\r\nX-Host: b\r\nHos: c\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
            try await client.send("GET / HTTP/1.1\r\nHOST: only.example\r\n\r\n")
            #expect(try await client.readResponse().status == 200)
        }
        try #require(requests.count == 2)
        #expect(requests[0].authority == "example.com")
        #expect(requests[0].headerFields.map { "\($0.name.canonicalName)=\($0.value)" } == ["host-name=a", "x-host=b", "hos=c"])
        #expect(requests[1].authority == "only.example")
        #expect(requests[1].headerFields.isEmpty)
    }

    @Test("keep-alive: three requests on one connection are answered on that same connection")
    func keepAlive() async throws {
        let clientPorts = Recorder<Int>()
        let echoPeer = responder { _, _, context, writer in
            clientPorts.append(context.remoteAddress?.port ?? -1)
            try await writer.write(HTTPResponse(status: .ok), body: "ok")
        }
        try await withServer(responder: echoPeer) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            for _ in 0..<3 {
                try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.text == "ok")
                #expect(response.header("connection") == nil)
            }
            #expect(!client.isClosed)
            #expect(clientPorts.all == Array(repeating: client.localPort ?? 0, count: 3))
            await client.close()
        }
    }

    @Test("pipelining: requests sent back to back are answered in order, even when the first is slowest")
    func pipelining() async throws {
        let releaseFirst = Signal()
        let ordered = responder { request, _, _, writer in
            if request.path == "/1" { await releaseFirst.wait() }
            try await writer.write(HTTPResponse(status: .ok), body: "response \(request.path ?? "")")
        }
        try await withServer(responder: ordered) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send(
                "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
            )
            releaseFirst.fire()
            #expect(try await client.readResponse().text == "response /1")
            #expect(try await client.readResponse().text == "response /2")
            #expect(try await client.readResponse().text == "response /3")
            await client.close()
        }
    }

    @Test("HEAD: Content-Length as for GET, no body bytes, and the connection is reusable")
    func headRequest() async throws {
        let streamed = responder { request, _, _, writer in
            if request.path == "/stream" {
                let body = try await writer.writeHead(HTTPResponse(status: .ok))
                try await body.write("never sent for HEAD")
                try await body.finish()
            } else {
                try await writer.write(HTTPResponse(status: .ok), body: "twelve bytes")
            }
        }
        try await withServer(responder: streamed) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await client.readResponse(toHead: true)
            #expect(head.status == 200)
            #expect(head.header("content-length") == "12")

            try await client.send("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n")
            let streamedHead = try await client.readResponse(toHead: true)
            #expect(streamedHead.status == 200)
            #expect(streamedHead.header("transfer-encoding") == nil)

            // Any stray body byte would corrupt this next response's status line.
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let get = try await client.readResponse()
            #expect(get.text == "twelve bytes")
            await client.close()
        }
    }

    @Test("a throwing responder: 500 with a plain-text body naming the error, and the connection stays usable")
    func throwingResponder() async throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "boom at line 3" } }
        let failing = responder { request, _, _, writer in
            if request.path == "/fail" { throw Boom() }
            try await writer.write(HTTPResponse(status: .ok), body: "fine")
        }
        try await withServer(responder: failing) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET /fail HTTP/1.1\r\nHost: x\r\n\r\n")
            let failure = try await client.readResponse()
            #expect(failure.status == 500)
            #expect(failure.header("content-type") == "text/plain; charset=utf-8")
            #expect(failure.text.hasPrefix("500 Internal Server Error"))
            #expect(failure.text.contains("boom at line 3"))
            #expect(failure.header("connection") == nil)

            try await client.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "fine")
            await client.close()
        }
    }

    @Test("a responder that returns without writing gets a 500 saying so")
    func silentResponder() async throws {
        try await withServer(responder: responder { _, _, _, _ in }) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 500)
            #expect(response.text.contains("returned without a response"))
            await client.close()
        }
    }

    @Test("a second response head for one request throws responseAlreadyStarted; the first response stands")
    func secondResponse() async throws {
        let codes = Recorder<HTTPServerError.Code>()
        let twice = responder { _, _, _, writer in
            try await writer.write(HTTPResponse(status: .ok), body: "first")
            do {
                try await writer.write(HTTPResponse(status: .ok), body: "second")
            } catch let error as HTTPServerError {
                codes.append(error.code)
            }
        }
        try await withServer(responder: twice) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "first")
            #expect(try await client.readResponse().text == "first")
            await client.close()
        }
        #expect(codes.all == [.responseAlreadyStarted, .responseAlreadyStarted])
    }

    @Test("a malformed request gets NIO's 400 and the connection closes; other connections are unaffected")
    func malformedRequest() async throws {
        try await withServer(responder: helloResponder) { _, port in
            let bystander = try await RawHTTPClient.connect(port: port)
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost x\r\nbroken header line\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 400)
            try await client.expectClose()

            try await bystander.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await bystander.readResponse().text == "Hello, world!")
            await bystander.close()
        }
    }

    @Test("half-close: a client that shuts its output after the request still gets the answer, then EOF")
    func halfClose() async throws {
        try await withServer(responder: helloResponder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            try await client.shutdownOutput()
            #expect(try await client.readResponse().text == "Hello, world!")
            try await client.expectClose()
        }
    }

    @Test("Connection: close from the client: the response says close and the server closes")
    func clientAsksClose() async throws {
        try await withServer(responder: helloResponder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.text == "Hello, world!")
            #expect(response.header("connection") == "close")
            try await client.expectClose()
        }
    }

    @Test("HTTP/1.0: keep-alive is announced when asked for; a streamed body is ended by closing")
    func http10() async throws {
        let both = responder { request, _, _, writer in
            if request.path == "/stream" {
                let body = try await writer.writeHead(HTTPResponse(status: .ok))
                try await body.write("until close")
            } else {
                try await writer.write(HTTPResponse(status: .ok), body: "short")
            }
        }
        try await withServer(responder: both) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = try await client.readResponse()
            #expect(first.text == "short")
            #expect(first.header("connection") == "keep-alive")

            try await client.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let second = try await client.readResponse()
            #expect(second.header("connection") == "close")
            #expect(second.header("transfer-encoding") == nil)
            #expect(second.text == "until close")
            #expect(client.isClosed)
        }
    }

    @Test("concurrent connections: 64 clients at once each get their own answer")
    func concurrentConnections() async throws {
        let echoPath = responder { request, _, _, writer in
            try await writer.write(HTTPResponse(status: .ok), body: request.path ?? "")
        }
        try await withServer(responder: echoPath) { _, port in
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let client = try await RawHTTPClient.connect(port: port)
                        var last = ""
                        for round in 0..<5 {
                            try await client.send("GET /\(index)/\(round) HTTP/1.1\r\nHost: x\r\n\r\n")
                            last = try await client.readResponse().text
                        }
                        await client.close()
                        return (index, last)
                    }
                }
                var answers: [Int: String] = [:]
                for try await (index, text) in group { answers[index] = text }
                return answers
            }
            #expect(answers.count == 64)
            for index in 0..<64 { #expect(answers[index] == "/\(index)/4") }
        }
    }

    @Test("exchangeDidFinish: reports method, path, status and byte counts after each response")
    func exchangeHook() async throws {
        struct Logging: HTTPResponder {
            let log: Recorder<String>
            func respond(
                to request: HTTPRequest, body: HTTPRequestBody, context: HTTPRequestContext,
                writer: HTTPResponseWriter
            ) async throws {
                let bytes = try await body.collect(upTo: 1 << 20)
                try await writer.write(HTTPResponse(status: .created), body: "got \(bytes.readableBytes)")
            }
            func exchangeDidFinish(_ exchange: HTTPExchange) {
                let status = exchange.status.map { "\($0.code) \($0.reasonPhrase)" } ?? "-"
                log.append(
                    "\(exchange.request.method) \(exchange.request.path ?? "") \(status) "
                        + "in=\(exchange.requestBodyBytes) out=\(exchange.responseBodyBytes) "
                        + "timed=\(exchange.duration >= .zero)"
                )
            }
        }
        let log = Recorder<String>()
        try await withServer(responder: Logging(log: log)) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
            #expect(try await client.readResponse().text == "got 5")
            await client.close()
        }
        #expect(log.all == ["POST /items 201 Created in=5 out=5 timed=true"])
    }

    @Test("exchangeDidFinish: a request refused before the responder (413) is reported too")
    func exchangeHookForRefused() async throws {
        struct Logging: HTTPResponder {
            let log: Recorder<String>
            func respond(
                to request: HTTPRequest, body: HTTPRequestBody, context: HTTPRequestContext,
                writer: HTTPResponseWriter
            ) async throws {
                try await writer.write(HTTPResponse(status: .ok))
            }
            func exchangeDidFinish(_ exchange: HTTPExchange) {
                log.append("\(exchange.request.method) \(exchange.request.path ?? "") \(exchange.status?.code ?? 0)")
            }
        }
        let log = Recorder<String>()
        try await withServer(configure: { $0.maxRequestBodyBytes = 10 }, responder: Logging(log: log)) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n")
            #expect(try await client.readResponse().status == 413)
            try await client.expectClose()
        }
        #expect(log.all == ["PUT /big 413"])
    }
}
