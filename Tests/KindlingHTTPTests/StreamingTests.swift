import HTTPTypes
import KindlingHTTP
import KindlingTesting
import NIOCore
import Testing

@Suite("HTTPServer: streamed bodies, 100-continue, limits", .timeLimit(.minutes(1)))
struct StreamingTests {
    /// Counts the body's bytes and a checksum, answering `bytes=… sum=… chunks=…`.
    static let counter = responder { _, body, _, writer in
        var bytes = 0
        var sum: UInt64 = 0
        var chunks = 0
        for try await chunk in body {
            chunks += 1
            bytes += chunk.readableBytes
            chunk.withUnsafeReadableBytes { raw in
                for byte in raw { sum = sum &* 31 &+ UInt64(byte) }
            }
        }
        try await writer.write(HTTPResponse(status: .ok), body: "bytes=\(bytes) sum=\(sum) chunks=\(chunks > 1)")
    }

    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0) { $0 &* 31 &+ UInt64($1) }
    }

    @Test("chunked upload: the responder reads the decoded bytes, whatever the chunk sizes")
    func chunkedUpload() async throws {
        try await withServer(responder: Self.counter) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            try await client.send("5\r\nhello\r\n")
            try await client.send("1\r\n \r\n6\r\nworld!\r\n0\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.text == "bytes=12 sum=\(Self.checksum(Array("hello world!".utf8))) chunks=true")
            await client.close()
        }
    }

    @Test("large upload: 8 MiB with Content-Length arrives byte for byte, in many chunks")
    func largeUpload() async throws {
        let payload = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        try await withServer(responder: Self.counter) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: \(payload.count)\r\n\r\n")
            for start in stride(from: 0, to: payload.count, by: 1 << 20) {
                try await client.send(Array(payload[start..<min(start + (1 << 20), payload.count)]))
            }
            let response = try await client.readResponse()
            #expect(response.text == "bytes=\(payload.count) sum=\(Self.checksum(payload)) chunks=true")
            // Still usable afterwards.
            try await client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
            #expect(try await client.readResponse().text.hasPrefix("bytes=3 "))
            await client.close()
        }
    }

    @Test("back-pressure: the responder receives the body chunk by chunk as the client sends it")
    func bodyStreamsBeforeItEnds() async throws {
        let firstChunk = Recorder<String>()
        let sawFirst = Signal()
        let streaming = responder { _, body, _, writer in
            var iterator = body.makeAsyncIterator()
            let first = try #require(try await iterator.next())
            firstChunk.append(String(buffer: first))
            sawFirst.fire()
            var rest = 0
            while let chunk = try await iterator.next() { rest += chunk.readableBytes }
            try await writer.write(HTTPResponse(status: .ok), body: "rest=\(rest)")
        }
        try await withServer(responder: streaming) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nfirs\r\n")
            await sawFirst.wait()  // the responder has the first chunk while the request is still open
            try await client.send("3\r\nabc\r\n0\r\n\r\n")
            #expect(try await client.readResponse().text == "rest=3")
            await client.close()
        }
        #expect(firstChunk.all == ["firs"])
    }

    @Test("streamed response: pieces reach the client one at a time, chunked, while the responder waits")
    func streamedResponse() async throws {
        let next = Signal()
        let slow = responder { _, _, _, writer in
            let body = try await writer.writeHead(HTTPResponse(status: .ok, headerFields: [.contentType: "text/plain"]))
            try await body.write("first piece;")
            await next.wait()  // only the client's signal lets the second piece go
            try await body.write("second piece")
            try await body.finish()
        }
        try await withServer(responder: slow) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await client.readHead()
            #expect(head.status == 200)
            #expect(head.header("transfer-encoding") == "chunked")
            #expect(head.header("content-length") == nil)
            var early: [UInt8] = []
            while !String(decoding: early, as: UTF8.self).contains("first piece;\r\n") {
                early += try #require(try await client.readSome())
            }
            #expect(String(decoding: early, as: UTF8.self) == "c\r\nfirst piece;\r\n")
            next.fire()
            var rest: [UInt8] = []
            while !String(decoding: rest, as: UTF8.self).hasSuffix("0\r\n\r\n") {
                rest += try #require(try await client.readSome())
            }
            #expect(String(decoding: rest, as: UTF8.self) == "c\r\nsecond piece\r\n0\r\n\r\n")
            await client.close()
        }
    }

    @Test("streamed response with Content-Length: sent as is, not chunked; trailers only with chunked")
    func streamedWithLength() async throws {
        let sized = responder { request, _, _, writer in
            if request.path == "/trailers" {
                let body = try await writer.writeHead(HTTPResponse(status: .ok))
                try await body.write("data")
                try await body.finish(trailers: [HTTPField.Name("x-checksum")!: "abc"])
            } else {
                let body = try await writer.writeHead(HTTPResponse(status: .ok, headerFields: [.contentLength: "10"]))
                try await body.write("01234")
                try await body.write("56789")
            }
        }
        try await withServer(responder: sized) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.header("transfer-encoding") == nil)
            #expect(response.text == "0123456789")
            try await client.send("GET /trailers HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "data")
            await client.close()
        }
    }

    @Test("streamed response longer than its Content-Length: the write throws bodyLengthMismatch")
    func streamedTooLong() async throws {
        let codes = Recorder<HTTPServerError.Code>()
        let liar = responder { _, _, _, writer in
            let body = try await writer.writeHead(HTTPResponse(status: .ok, headerFields: [.contentLength: "3"]))
            do {
                try await body.write("four")
            } catch let error as HTTPServerError {
                codes.append(error.code)
            }
        }
        try await withServer(responder: liar) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await client.readHead()
            #expect(head.header("content-length") == "3")
            _ = try? await client.expectClose()  // the response cannot be completed, so the connection ends
            #expect(client.isClosed)
        }
        #expect(codes.all == [.bodyLengthMismatch])
    }

    @Test("100-continue: the server sends 100 Continue when the body is read, then the final response")
    func expectContinue() async throws {
        try await withServer(responder: Self.counter) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            let interim = try await client.readHead()
            #expect(interim.status == 100)
            try await client.send("data")
            let final = try await client.readResponse()
            #expect(final.status == 200)
            #expect(final.text.hasPrefix("bytes=4 "))
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text.hasPrefix("bytes=0 "))
            await client.close()
        }
    }

    @Test("100-continue: a responder that answers without reading sends no 100, says close, and closes")
    func expectContinueRefused() async throws {
        let refuse = responder { _, _, _, writer in
            try await writer.write(HTTPResponse(status: .unauthorized), body: "no")
        }
        try await withServer(responder: refuse) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 401)
            #expect(response.text == "no")
            #expect(response.header("connection") == "close")
            try await client.expectClose()
        }
    }

    @Test("an unknown Expect value gets 417 Expectation Failed without reaching the responder")
    func unknownExpectation() async throws {
        let calls = Recorder<String>()
        let tracking = responder { request, _, _, writer in
            calls.append(request.path ?? "")
            try await writer.write(HTTPResponse(status: .ok))
        }
        try await withServer(responder: tracking) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: teapot\r\n\r\n")
            #expect(try await client.readResponse().status == 417)
            try await client.expectClose()
        }
        #expect(calls.all.isEmpty)
    }

    @Test("an unread short body is discarded and the connection keeps serving")
    func unreadBodyDrained() async throws {
        try await withServer(responder: helloResponder) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nignored bod")
            #expect(try await client.readResponse().text == "Hello, world!")
            try await client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().text == "Hello, world!")
            await client.close()
        }
    }

    @Test("limits: a Content-Length over the limit gets 413 without reaching the responder")
    func announcedBodyTooLarge() async throws {
        let calls = Recorder<String>()
        let tracking = responder { request, _, _, writer in
            calls.append(request.path ?? "")
            try await writer.write(HTTPResponse(status: .ok))
        }
        try await withServer(configure: { $0.maxRequestBodyBytes = 1000 }, responder: tracking) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\nExpect: 100-continue\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 413)
            #expect(response.text == "413 Payload Too Large\n")
            #expect(response.header("connection") == "close")
            try await client.expectClose()
        }
        #expect(calls.all.isEmpty)
    }

    @Test("limits: a chunked body that grows past the limit makes the read throw, and the client gets 413")
    func streamedBodyTooLarge() async throws {
        let codes = Recorder<HTTPServerError.Code>()
        let reader = responder { _, body, _, writer in
            do {
                for try await _ in body {}
            } catch let error as HTTPServerError {
                codes.append(error.code)
                throw error
            }
            try await writer.write(HTTPResponse(status: .ok))
        }
        try await withServer(configure: { $0.maxRequestBodyBytes = 8 }, responder: reader) { _, port in
            let client = try await RawHTTPClient.connect(port: port)
            try await client.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            try await client.send("5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n")
            let response = try await client.readResponse()
            #expect(response.status == 413)
            #expect(response.text.contains("larger than the limit of 8 bytes"))
            #expect(response.header("connection") == "close")
            try await client.expectClose()
        }
        #expect(codes.all == [.requestBodyTooLarge])
    }

    @Test("limits: a URL over the limit gets 414, headers over the limit get 431")
    func headLimits() async throws {
        let configure: (inout HTTPServerConfiguration) -> Void = {
            $0.maxURIBytes = 64
            $0.maxHeaderBytes = 100
        }
        try await withServer(configure: configure, responder: helloResponder) { _, port in
            let long = try await RawHTTPClient.connect(port: port)
            try await long.send("GET /\(String(repeating: "a", count: 64)) HTTP/1.1\r\nHost: x\r\n\r\n")
            let uri = try await long.readResponse()
            #expect(uri.status == 414)
            #expect(uri.text == "414 URI Too Long\n")
            try await long.expectClose()

            let big = try await RawHTTPClient.connect(port: port)
            try await big.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 100))\r\n\r\n")
            let headers = try await big.readResponse()
            #expect(headers.status == 431)
            try await big.expectClose()

            let fine = try await RawHTTPClient.connect(port: port)
            try await fine.send("GET /\(String(repeating: "a", count: 62)) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await fine.readResponse().status == 200)
            await fine.close()
        }
    }
}
