import HTTPTypes
import NIOCore
import NIOHTTP1

// Conversions between NIOHTTP1's heads and swift-http-types' `HTTPRequest`/`HTTPResponse`, done on the
// connection's task (no extra channel handler). Framing headers of responses are decided here, because the
// encoder runs with `automaticallySetFramingHeaders = false` (it would otherwise chunk `HEAD` responses).

/// Why a request head cannot be handed to a responder.
enum RequestHeadProblem: Error {
    case uriTooLong
    case headersTooLarge
    case invalidHeader
    case bodyTooLarge
    case unsupportedExpectation
}

extension HTTPRequest {
    /// Converts a NIO request head, checking the configured size limits.
    ///
    /// The `Host` header becomes `authority` (swift-http-types keeps it out of `headerFields`).
    init(_ head: HTTPRequestHead, configuration: HTTPServerConfiguration) throws(RequestHeadProblem) {
        if head.uri.utf8.count > configuration.maxURIBytes { throw .uriTooLong }
        var fields = HTTPFields()
        // Every HTTP/1.1 request has a `Host`, which stays out of the fields: a request with nothing else (as from
        // a load generator or a health check) then allocates no field storage at all.
        if head.headers.count > 1 { fields.reserveCapacity(head.headers.count - 1) }
        var headerBytes = 0
        var authority: String?
        for (name, value) in head.headers {
            headerBytes += name.utf8.count + value.utf8.count
            if Self.isHost(name) {
                if authority == nil { authority = value }
                continue
            }
            guard let fieldName = HTTPField.Name(name) else { throw .invalidHeader }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        if headerBytes > configuration.maxHeaderBytes { throw .headersTooLarge }
        let method = HTTPRequest.Method(head.method.rawValue) ?? .get
        self.init(method: method, scheme: "http", authority: authority, path: head.uri, headerFields: fields)
    }
}

extension HTTPRequest {
    /// Whether a header name is `Host` in any case, checked without making an `HTTPField.Name` of it.
    fileprivate static func isHost(_ name: String) -> Bool {
        var utf8 = name.utf8.makeIterator()
        for expected in "host".utf8 {
            guard let byte = utf8.next(), byte | 0x20 == expected else { return false }
        }
        return utf8.next() == nil
    }
}

/// How a response body is framed on the wire.
enum BodyFraming: Equatable {
    /// No body bytes at all (HEAD, 1xx, 204, 304): body writes are dropped.
    case none
    /// `Content-Length` bytes.
    case length(Int)
    /// `Transfer-Encoding: chunked` (HTTP/1.1).
    case chunked
    /// Until the connection closes (HTTP/1.0 without a length).
    case untilClose
}

/// A response head as a responder gives it: an `HTTPResponse`, or a status with plain header lines
/// (``HTTPResponseWriter/write(status:headerLines:body:)``).
enum ResponseHeadSource {
    case response(HTTPResponse)
    case lines(status: HTTPResponse.Status, lines: [(name: String, value: String)])

    var status: HTTPResponse.Status {
        switch self {
        case .response(let response): response.status
        case .lines(let status, _): status
        }
    }

    var fieldCount: Int {
        switch self {
        case .response(let response): response.headerFields.count
        case .lines(_, let lines): lines.count
        }
    }

    /// Calls `add` with each field's lower-case name, the name to send and the value, in order. Lines whose name
    /// is not an HTTP token are left out; values are made legal as `HTTPField` makes them (invalid bytes become
    /// spaces, surrounding whitespace goes), so no line can break the head apart.
    func forEachField(_ add: (_ canonicalName: String, _ name: String, _ value: String) -> Void) {
        switch self {
        case .response(let response):
            for field in response.headerFields { add(field.name.canonicalName, field.name.rawName, field.value) }
        case .lines(_, let lines):
            for (name, value) in lines {
                // Most lines come from a worker's `Headers`, already lower case and legal: checked byte by byte,
                // they skip building an `HTTPField`. The rare other value is legalized by one (any name will do:
                // HTTPTypes has no public way to legalize a value alone).
                let legalValue = Self.isPlainLegalValue(value) ? value : HTTPField(name: .server, value: value).value
                if Self.isLowerCaseToken(name) {
                    add(name, name, legalValue)
                } else if let fieldName = HTTPField.Name(name) {
                    add(fieldName.canonicalName, fieldName.rawName, legalValue)
                }
            }
        }
    }

    /// Whether `name` is a non-empty RFC 9110 token without upper-case letters.
    private static func isLowerCaseToken(_ name: String) -> Bool {
        !name.utf8.isEmpty && name.utf8.allSatisfy(isLowerCaseTokenByte)
    }

    private static func isLowerCaseTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    /// Whether `value` is a legal field value as it is: no control bytes but tab, no DEL, no whitespace at
    /// either end (bytes from 0x80 up are allowed, as `HTTPField` allows them).
    private static func isPlainLegalValue(_ value: String) -> Bool {
        let utf8 = value.utf8
        if let first = utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { return false }
        if let last = utf8.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { return false }
        return utf8.allSatisfy { $0 >= 0x20 ? $0 != 0x7F : $0 == UInt8(ascii: "\t") }
    }
}

/// What decides a response's framing and the header lines the server adds, besides the response itself.
struct ResponseWireTerms {
    /// The length of a body given in full, or `nil` for a streamed body.
    var bodyLength: Int?
    /// Whether the request was `HEAD` (headers as for GET, no body bytes).
    var isHead: Bool
    /// The request's HTTP version.
    var version: HTTPVersion
    /// Whether the connection is kept after this response; adds `Connection: close` if not.
    var keepAlive: Bool
    /// The `Date` value to add when the response has none.
    var date: String
    /// The `Server` value to add when the response has none.
    var serverName: String?
}

extension HTTPResponseHead {
    /// Converts a response for the wire and picks its framing.
    /// - Returns: The head and its framing; `framing == .untilClose` means the connection must close.
    static func converting(
        _ response: ResponseHeadSource, _ terms: ResponseWireTerms
    ) -> (head: HTTPResponseHead, framing: BodyFraming) {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.fieldCount + 3)
        let framing = Self.frame(response, terms) { name, value in headers.add(name: name, value: value) }
        return (HTTPResponseHead(version: terms.version, status: wireStatus(response.status), headers: headers), framing)
    }

    /// The work of ``converting(_:_:)`` with the head's fields handed to `add` one by one, in order, instead of
    /// gathered: ``HTTPConnection`` serializes them straight into the bytes it writes.
    /// - Returns: The framing.
    static func frame(
        _ response: ResponseHeadSource, _ terms: ResponseWireTerms, add: (_ name: String, _ value: String) -> Void
    ) -> BodyFraming {
        let (bodyLength, isHead, version, keepAlive) = (terms.bodyLength, terms.isHead, terms.version, terms.keepAlive)
        let status = response.status
        let code = status.code
        let statusForbidsBody = (100..<200).contains(code) || code == 204 || code == 304
        var declaredLength: Int?
        var hasDate = false
        var hasServer = false
        response.forEachField { canonicalName, name, value in
            switch canonicalName {
            case "content-length":
                // A body given in full sets its own length below; a declared one is kept for streams and HEAD.
                if bodyLength == nil, declaredLength == nil, let length = Int(value), length >= 0 {
                    declaredLength = length
                }
                return
            case "transfer-encoding", "connection":
                return  // framing and connection management are ours
            case "date":
                hasDate = true
            case "server":
                hasServer = true
            default:
                break
            }
            add(name, value)
        }
        if !hasDate { add("date", terms.date) }
        if !hasServer, let serverName = terms.serverName { add("server", serverName) }

        var framing: BodyFraming
        let length = bodyLength ?? declaredLength
        if code == 204 || (100..<200).contains(code) {
            framing = .none
        } else if let length {
            add("content-length", String(length))
            framing = isHead || statusForbidsBody ? .none : .length(length)
        } else if isHead || statusForbidsBody {
            framing = .none
        } else if version.major == 1 && version.minor >= 1 {
            add("transfer-encoding", "chunked")
            framing = .chunked
        } else {
            framing = .untilClose
        }
        if !keepAlive || framing == .untilClose {
            add("connection", "close")
        } else if version.major == 1 && version.minor == 0 {
            add("connection", "keep-alive")
        }
        return framing
    }

    /// NIO's status for `status`, keeping its reason phrase: `HTTPResponseStatus(statusCode:reasonPhrase:)` maps
    /// every code NIO knows to its standard phrase and drops the one given, so a worker's `statusText` ("201 Made
    /// It") would reach the client as "201 Created". An empty phrase gets the standard one.
    static func wireStatus(_ status: HTTPResponse.Status) -> HTTPResponseStatus {
        let standard = HTTPResponseStatus(statusCode: status.code)
        if status.reasonPhrase.isEmpty || status.reasonPhrase == standard.reasonPhrase { return standard }
        return .custom(code: UInt(status.code), reasonPhrase: status.reasonPhrase)
    }
}

extension RequestHeadProblem {
    /// The response for a request refused before a responder saw it.
    var response: (status: HTTPResponse.Status, text: String) {
        switch self {
        case .uriTooLong: (.uriTooLong, "414 URI Too Long\n")
        case .headersTooLarge: (.requestHeaderFieldsTooLarge, "431 Request Header Fields Too Large\n")
        case .invalidHeader: (.badRequest, "400 Bad Request\n")
        case .bodyTooLarge: (.contentTooLarge, "413 Payload Too Large\n")
        case .unsupportedExpectation: (.expectationFailed, "417 Expectation Failed\n")
        }
    }
}

extension ByteBuffer {
    /// Writes the head of `response` under `terms` as HTTP/1 puts it on the wire — the status line, each header line
    /// in order, and the blank line: byte for byte what NIO's `HTTPResponseEncoder` writes for the head that
    /// ``HTTPResponseHead/converting(_:_:)`` makes of the same response, without making it.
    /// - Returns: The framing.
    mutating func writeResponseHead(_ response: ResponseHeadSource, _ terms: ResponseWireTerms) -> BodyFraming {
        self.writeStatusLine(version: terms.version, status: HTTPResponseHead.wireStatus(response.status))
        let framing = HTTPResponseHead.frame(response, terms) { name, value in
            self.writeHeaderLine(name: name, value: value)
        }
        self.writeStaticString("\r\n")
        return framing
    }

    /// Writes `HTTP/1.1 200 OK` and its line end.
    mutating func writeStatusLine(version: HTTPVersion, status: HTTPResponseStatus) {
        let reason = status.reasonPhrase
        // Each ByteBuffer write checks capacity and uniqueness: the line is copied in one go instead.
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: reason.utf8.count + 40) { raw in
            var out = ByteWriter(raw)
            out.append("HTTP/")
            out.appendDecimal(version.major)
            out.append(".")
            out.appendDecimal(version.minor)
            out.append(" ")
            out.appendDecimal(Int(status.code))
            out.append(" ")
            out.append(reason)
            out.append("\r\n")
            return out.count
        }
    }

    /// Writes `name: value` and its line end.
    mutating func writeHeaderLine(name: String, value: String) {
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: name.utf8.count + value.utf8.count + 4) { raw in
            var out = ByteWriter(raw)
            out.append(name)
            out.append(": ")
            out.append(value)
            out.append("\r\n")
            return out.count
        }
    }
}
