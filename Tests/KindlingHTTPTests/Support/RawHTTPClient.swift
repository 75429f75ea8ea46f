#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// A byte-level HTTP/1.1 client for precise checks: it sends exactly the bytes a test writes and parses
/// responses one at a time, so pipelining, chunked framing and connection reuse are visible.
final class RawHTTPClient {
    struct Response {
        var status: Int
        var reason: String
        var headers: [(name: String, value: String)]
        /// Each header line as it came, `name: value` (one space after the colon, as servers write it).
        var headerLines: [String] = []
        /// The status line's protocol, `HTTP/1.1`.
        var version = ""

        var body: [UInt8]
        /// The body as it arrived on the wire for chunked responses, split into the chunks the server framed.
        var chunks: [[UInt8]] = []

        var text: String { String(decoding: self.body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
    }

    /// Forwards everything read to a stream; the test side reads it at its own pace.
    private final class Forwarder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
        init(_ continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) {
            self.continuation = continuation
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.continuation.yield(Self.unwrapInboundIn(data))
        }
        func channelInactive(context: ChannelHandlerContext) {
            self.continuation.finish()
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.continuation.finish(throwing: error)
            context.close(promise: nil)
        }
    }

    private let channel: any Channel
    private var iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
    private var buffer = ByteBuffer()
    private(set) var isClosed = false

    private init(channel: any Channel, stream: AsyncThrowingStream<ByteBuffer, any Error>) {
        self.channel = channel
        self.iterator = stream.makeAsyncIterator()
    }

    static func connect(port: Int) async throws -> RawHTTPClient {
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        // A connect to 127.0.0.1 answers at once or is refused; NIO's default 10 s timeout only fired while a cold
        // test process on a slow VM stalled as a whole (every test of one CI run finished after 10 s or more).
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(50))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Forwarder(continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawHTTPClient(channel: channel, stream: stream)
    }

    /// The client's own port, as the server sees it.
    var localPort: Int? { self.channel.localAddress?.port }

    func send(_ text: String) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(string: text))
    }

    func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Half-closes: the server sees end of input, but can still answer.
    func shutdownOutput() async throws {
        try await self.channel.close(mode: .output)
    }

    func close() async {
        try? await self.channel.close()
    }

    /// Reads more bytes into the buffer; returns false at end of stream.
    @discardableResult
    private func fill() async throws -> Bool {
        if self.isClosed { return false }
        guard var more = try await self.iterator.next() else {
            self.isClosed = true
            return false
        }
        self.buffer.writeBuffer(&more)
        return true
    }

    /// Waits until the server closes the connection, failing if any bytes arrive first.
    func expectClose() async throws {
        while try await self.fillTreatingResetAsClose() {
            if self.buffer.readableBytes > 0 {
                throw ProtocolError(description: "expected close, got \(String(buffer: self.buffer))")
            }
        }
    }

    /// A reset is a close too (Linux resets when a socket closes with unread input).
    private func fillTreatingResetAsClose() async throws -> Bool {
        do {
            return try await self.fill()
        } catch let error as IOError where error.errnoCode == ECONNRESET {
            self.isClosed = true
            return false
        }
    }

    /// Reads whatever arrives next (at least one byte), or nil at end of stream.
    func readSome() async throws -> [UInt8]? {
        if self.buffer.readableBytes == 0 {
            guard try await self.fill() else { return nil }
        }
        let bytes = self.buffer.readBytes(length: self.buffer.readableBytes) ?? []
        return bytes
    }

    private func readLine() async throws -> String {
        while true {
            let view = self.buffer.readableBytesView
            if let index = view.firstIndex(of: UInt8(ascii: "\n")) {
                let length = index - view.startIndex + 1
                var bytes = self.buffer.readBytes(length: length) ?? []
                bytes.removeLast()  // "\n"
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
            guard try await self.fill() else { throw ProtocolError(description: "connection closed mid-line") }
        }
    }

    private func readExactly(_ count: Int) async throws -> [UInt8] {
        while self.buffer.readableBytes < count {
            guard try await self.fill() else { throw ProtocolError(description: "connection closed mid-body") }
        }
        return self.buffer.readBytes(length: count) ?? []
    }

    /// Reads a status line and headers (used alone for `100 Continue`).
    func readHead() async throws -> Response {
        let statusLine = try await self.readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw ProtocolError(description: "bad status line: \(statusLine)")
        }
        var headers: [(String, String)] = []
        var lines: [String] = []
        while true {
            let line = try await self.readLine()
            if line.isEmpty { break }
            lines.append(line)
            guard let colon = line.firstIndex(of: ":") else { throw ProtocolError(description: "bad header \(line)") }
            let value = line[line.index(after: colon)...].trimmingSpaces()
            headers.append((String(line[..<colon]), value))
        }
        return Response(
            status: status, reason: parts.count > 2 ? parts[2] : "", headers: headers, headerLines: lines,
            version: parts[0], body: [])
    }

    /// Reads one whole response, framed by Content-Length, chunked encoding, or the connection closing.
    /// - Parameter toHead: The request was HEAD, so no body follows whatever the headers say.
    func readResponse(toHead: Bool = false) async throws -> Response {
        var response = try await self.readHead()
        if toHead || response.status == 204 || response.status == 304 || response.status < 200 { return response }
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            while true {
                let sizeLine = try await self.readLine()
                guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
                    throw ProtocolError(description: "bad chunk size \(sizeLine)")
                }
                if size == 0 {
                    while try await !self.readLine().isEmpty {}  // trailers
                    break
                }
                let chunk = try await self.readExactly(size)
                response.chunks.append(chunk)
                response.body += chunk
                guard try await self.readLine().isEmpty else { throw ProtocolError(description: "chunk not ended") }
            }
        } else if let length = response.header("content-length").flatMap({ Int($0) }) {
            response.body = try await self.readExactly(length)
        } else {
            while try await self.fill() {}
            response.body = self.buffer.readBytes(length: self.buffer.readableBytes) ?? []
        }
        return response
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
