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
        fields.reserveCapacity(head.headers.count)
        var headerBytes = 0
        var authority: String?
        for (name, value) in head.headers {
            headerBytes += name.utf8.count + value.utf8.count
            guard let fieldName = HTTPField.Name(name) else { throw .invalidHeader }
            if fieldName.canonicalName == "host" {
                if authority == nil { authority = value }
                continue
            }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        if headerBytes > configuration.maxHeaderBytes { throw .headersTooLarge }
        let method = HTTPRequest.Method(head.method.rawValue) ?? .get
        self.init(method: method, scheme: "http", authority: authority, path: head.uri, headerFields: fields)
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

extension HTTPResponseHead {
    /// Converts a response for the wire and picks its framing.
    ///
    /// - Parameters:
    ///   - response: What the responder wrote.
    ///   - bodyLength: The length of a body given in full, or `nil` for a streamed body.
    ///   - isHead: Whether the request was `HEAD` (headers as for GET, no body bytes).
    ///   - version: The request's HTTP version.
    ///   - keepAlive: Whether the connection is kept after this response; adds `Connection: close` if not.
    ///   - date: The `Date` value to add when the response has none.
    ///   - serverName: The `Server` value to add when the response has none.
    /// - Returns: The head and its framing; `framing == .untilClose` means the connection must close.
    static func converting(
        _ response: HTTPResponse,
        bodyLength: Int?,
        isHead: Bool,
        version: HTTPVersion,
        keepAlive: Bool,
        date: String,
        serverName: String?
    ) -> (head: HTTPResponseHead, framing: BodyFraming) {
        let code = response.status.code
        let statusForbidsBody = (100..<200).contains(code) || code == 204 || code == 304
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headerFields.count + 3)
        var declaredLength: Int?
        var hasDate = false
        var hasServer = false
        for field in response.headerFields {
            switch field.name {
            case .contentLength:
                // A body given in full sets its own length below; a declared one is kept for streams and HEAD.
                if bodyLength == nil, declaredLength == nil, let length = Int(field.value), length >= 0 {
                    declaredLength = length
                }
                continue
            case .transferEncoding, .connection:
                continue  // framing and connection management are ours
            case .date:
                hasDate = true
            case .server:
                hasServer = true
            default:
                break
            }
            headers.add(name: field.name.rawName, value: field.value)
        }
        if !hasDate { headers.add(name: "date", value: date) }
        if !hasServer, let serverName { headers.add(name: "server", value: serverName) }

        var framing: BodyFraming
        let length = bodyLength ?? declaredLength
        if code == 204 || (100..<200).contains(code) {
            framing = .none
        } else if let length {
            headers.add(name: "content-length", value: String(length))
            framing = isHead || statusForbidsBody ? .none : .length(length)
        } else if isHead || statusForbidsBody {
            framing = .none
        } else if version.major == 1 && version.minor >= 1 {
            headers.add(name: "transfer-encoding", value: "chunked")
            framing = .chunked
        } else {
            framing = .untilClose
        }
        if !keepAlive || framing == .untilClose {
            headers.add(name: "connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        let status = HTTPResponseStatus(statusCode: code, reasonPhrase: response.status.reasonPhrase)
        return (HTTPResponseHead(version: version, status: status, headers: headers), framing)
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
