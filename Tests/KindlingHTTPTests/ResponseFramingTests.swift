import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import KindlingHTTP

/// The head conversion as plain values: which framing a response gets and which headers the server owns.
@Suite("Response framing and header policy")
struct ResponseFramingTests {
    private func convert(
        _ response: HTTPResponse,
        bodyLength: Int? = nil,
        isHead: Bool = false,
        version: HTTPVersion = .http1_1,
        keepAlive: Bool = true,
        serverName: String? = nil
    ) -> (head: HTTPResponseHead, framing: BodyFraming) {
        HTTPResponseHead.converting(
            .response(response),
            ResponseWireTerms(
                bodyLength: bodyLength, isHead: isHead, version: version, keepAlive: keepAlive,
                date: "Sun, 06 Nov 1994 08:49:37 GMT", serverName: serverName))
    }

    /// Responses and terms for ``wireHead(_:)``: mixed-case and repeated names, HTTP/1.0 keep-alive, a phrase of the
    /// responder's own on a streamed body, an empty value on a 204 that closes the connection, a server name.
    static let wireHeadCases: [(ResponseHeadSource, ResponseWireTerms)] = [
        (
            .lines(status: .ok, lines: [("content-type", "text/plain"), ("Set-Cookie", "a=1"), ("set-cookie", "b=2")]),
            wireTerms(bodyLength: 5)
        ),
        (.response(HTTPResponse(status: .notFound)), wireTerms(bodyLength: 0, version: .http1_0, serverName: "kindling")),
        (.response(HTTPResponse(status: .init(code: 599, reasonPhrase: "Weird Reason Phrase"))), wireTerms(bodyLength: nil)),
        (.lines(status: .noContent, lines: [("x-empty", "")]), wireTerms(bodyLength: 0, keepAlive: false)),
    ]

    static func wireTerms(
        bodyLength: Int?, version: HTTPVersion = .http1_1, keepAlive: Bool = true, serverName: String? = nil
    ) -> ResponseWireTerms {
        ResponseWireTerms(
            bodyLength: bodyLength, isHead: false, version: version, keepAlive: keepAlive,
            date: "Sun, 06 Nov 1994 08:49:37 GMT", serverName: serverName)
    }

    @Test(
        "a whole response's head is serialized byte for byte as NIO's encoder writes its converted head",
        arguments: wireHeadCases.indices)
    func wireHead(_ index: Int) throws {
        let (response, terms) = Self.wireHeadCases[index]
        let (head, framing) = HTTPResponseHead.converting(response, terms)
        var configuration = HTTPResponseEncoder.Configuration()
        configuration.automaticallySetFramingHeaders = false
        let channel = EmbeddedChannel(handler: HTTPResponseEncoder(configuration: configuration))
        try channel.writeOutbound(HTTPServerResponsePart.head(head))
        var encoded = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { encoded.writeBuffer(&part) }
        _ = try channel.finish()
        var ours = ByteBuffer()
        #expect(ours.writeResponseHead(response, terms) == framing)
        #expect(String(buffer: ours) == String(buffer: encoded))
        #expect(String(buffer: ours).hasPrefix("HTTP/\(terms.version.major).\(terms.version.minor) \(head.status.code) "))
        #expect(String(buffer: ours).contains("\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"))
    }

    @Test("a full body sets Content-Length from its real size, replacing a wrong one")
    func fullBody() {
        let (head, framing) = convert(HTTPResponse(status: .ok, headerFields: [.contentLength: "99"]), bodyLength: 5)
        #expect(framing == .length(5))
        #expect(head.headers["content-length"] == ["5"])
        #expect(head.headers["transfer-encoding"].isEmpty)
    }

    @Test("a streamed body without a length is chunked on HTTP/1.1 and ends by close on HTTP/1.0")
    func streamedFraming() {
        let (head11, framing11) = convert(HTTPResponse(status: .ok))
        #expect(framing11 == .chunked)
        #expect(head11.headers["transfer-encoding"] == ["chunked"])
        #expect(head11.headers["connection"].isEmpty)

        let (head10, framing10) = convert(HTTPResponse(status: .ok), version: .http1_0)
        #expect(framing10 == .untilClose)
        #expect(head10.headers["connection"] == ["close"])
    }

    @Test("HEAD keeps Content-Length but sends no body; without a length it is not chunked")
    func headRequests() {
        let (sized, sizedFraming) = convert(HTTPResponse(status: .ok), bodyLength: 12, isHead: true)
        #expect(sizedFraming == .none)
        #expect(sized.headers["content-length"] == ["12"])

        let (streamed, streamedFraming) = convert(HTTPResponse(status: .ok), isHead: true)
        #expect(streamedFraming == .none)
        #expect(streamed.headers["transfer-encoding"].isEmpty)
    }

    @Test("204 and 304 carry no body framing", arguments: [204, 304])
    func noBodyStatuses(code: Int) {
        let (head, framing) = convert(HTTPResponse(status: .init(code: code)), bodyLength: 0)
        #expect(framing == .none)
        #expect(head.headers["transfer-encoding"].isEmpty)
        if code == 204 { #expect(head.headers["content-length"].isEmpty) }
    }

    @Test("the server owns Transfer-Encoding and Connection; Date is added unless present; Server only if set")
    func headerPolicy() {
        let response = HTTPResponse(
            status: .ok,
            headerFields: [.transferEncoding: "gzip", .connection: "upgrade", .contentType: "text/plain"]
        )
        let (head, _) = convert(response, bodyLength: 1, keepAlive: false)
        #expect(head.headers["transfer-encoding"].isEmpty)
        #expect(head.headers["connection"] == ["close"])
        #expect(head.headers["content-type"] == ["text/plain"])
        #expect(head.headers["date"] == ["Sun, 06 Nov 1994 08:49:37 GMT"])
        #expect(head.headers["server"].isEmpty)

        let (own, _) = convert(
            HTTPResponse(status: .ok, headerFields: [.date: "yesterday", .server: "mine"]),
            bodyLength: 0,
            serverName: "kindling"
        )
        #expect(own.headers["date"] == ["yesterday"])
        #expect(own.headers["server"] == ["mine"])
        let (named, _) = convert(HTTPResponse(status: .ok), bodyLength: 0, serverName: "kindling")
        #expect(named.headers["server"] == ["kindling"])
    }

    @Test("HTTP/1.0 keep-alive is announced explicitly")
    func http10KeepAlive() {
        let (head, _) = convert(HTTPResponse(status: .ok), bodyLength: 2, version: .http1_0)
        #expect(head.headers["connection"] == ["keep-alive"])
    }

    @Test("Date: IMF-fixdate as RFC 9110 shows it")
    func dateFormat() {
        #expect(HTTPDateCache.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDateCache.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test("status and reason phrase pass through unchanged")
    func status() {
        let (head, _) = convert(HTTPResponse(status: .init(code: 418, reasonPhrase: "I'm a teapot")), bodyLength: 0)
        #expect(head.status.code == 418)
        #expect(head.status.reasonPhrase == "I'm a teapot")
        // A phrase of the responder's own for a code NIO knows is kept, not replaced by the standard one.
        let (own, _) = convert(HTTPResponse(status: .init(code: 201, reasonPhrase: "Made It")), bodyLength: 0)
        #expect(own.status.code == 201)
        #expect(own.status.reasonPhrase == "Made It")
        let (plain, _) = convert(HTTPResponse(status: .init(code: 201, reasonPhrase: "")), bodyLength: 0)
        #expect(plain.status.reasonPhrase == "Created")
    }

    // Plain header lines (`HTTPResponseWriter.write(status:headerLines:body:)`), checked here rather than by
    // HTTPFields: the same rules must hold.

    private func convertLines(_ lines: [(name: String, value: String)], bodyLength: Int? = 3) -> HTTPResponseHead {
        HTTPResponseHead.converting(
            .lines(status: .ok, lines: lines),
            ResponseWireTerms(
                bodyLength: bodyLength, isHead: false, version: .http1_1, keepAlive: true,
                date: "Sun, 06 Nov 1994 08:49:37 GMT", serverName: nil)
        ).head
    }

    /// The head as the encoder will write it, one `name: value` string per header, in order.
    private func lines(of head: HTTPResponseHead) -> [String] {
        head.headers.map { "\($0.name): \($0.value)" }
    }

    @Test("header lines are sent in order after the server's framing is applied")
    func plainLines() {
        let head = convertLines([
            ("content-type", "text/plain;charset=UTF-8"), ("x-b", "2"), ("x-a", "1"),
            ("content-length", "99"), ("transfer-encoding", "chunked"), ("connection", "upgrade"),
        ])
        #expect(lines(of: head) == [
            "content-type: text/plain;charset=UTF-8", "x-b: 2", "x-a: 1",
            "date: Sun, 06 Nov 1994 08:49:37 GMT", "content-length: 3",
        ])
    }

    @Test("a header line whose name is not an HTTP token is left out; other names keep their case")
    func lineNames() {
        let head = convertLines([
            ("X-Mixed-Case", "kept"), ("bad name", "x"), ("", "empty"), ("evil\r\ninjected", "x"), ("ok", "yes"),
        ])
        #expect(lines(of: head) == [
            "X-Mixed-Case: kept", "ok: yes", "date: Sun, 06 Nov 1994 08:49:37 GMT", "content-length: 3",
        ])
    }

    @Test("a header line's value cannot break the head: control bytes become spaces, outer whitespace goes")
    func lineValues() {
        let head = convertLines([
            ("x-split", "a\r\nset-cookie: stolen"), ("x-nul", "a\u{0}b"), ("x-padded", "  padded\t"),
            ("x-tab", "a\tb"), ("x-utf8", "café"), ("date", "custom"),
        ], bodyLength: nil)
        #expect(lines(of: head) == [
            "x-split: a  set-cookie: stolen", "x-nul: a b", "x-padded: padded", "x-tab: a\tb", "x-utf8: café",
            "date: custom", "transfer-encoding: chunked",
        ])
    }
}
