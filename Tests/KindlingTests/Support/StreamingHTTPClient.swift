import Foundation
import NIOCore
import NIOPosix

/// A raw HTTP/1.1 client over 127.0.0.1 that reads a response as it arrives, so a test can look at the first
/// bytes of a streamed body before the server has sent the rest, or hang up halfway. It reads from the socket only
/// when the test asks for bytes, as a slow client would.
final class StreamingHTTPClient {
    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
    }

    /// Forwards every read to a stream the test side consumes at its own pace.
    private final class Forwarder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
        init(_ continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation) { self.continuation = continuation }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { continuation.yield(Self.unwrapInboundIn(data)) }
        func channelInactive(context: ChannelHandlerContext) { continuation.finish() }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            continuation.finish()  // a reset is a close, for these tests
            context.close(promise: nil)
        }
    }

    private let channel: any Channel
    private var iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
    private var buffer = ByteBuffer()
    /// The status line and header lines of the response, once read.
    private(set) var head: [String] = []
    /// Whether the server closed the connection.
    private(set) var closed = false
    private var chunkedEnded = false

    private init(channel: any Channel, stream: AsyncThrowingStream<ByteBuffer, any Error>) {
        self.channel = channel
        self.iterator = stream.makeAsyncIterator()
    }

    /// Connects to `url` (`http://127.0.0.1:PORT`).
    static func connect(_ url: String) async throws -> StreamingHTTPClient {
        let port = Int(url.split(separator: ":").last ?? "") ?? 0
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)  // read only when the test wants bytes: client back-pressure
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 64 << 10))
            .channelOption(.maxMessagesPerRead, value: 1)  // one buffer per read() call, so nothing piles up here
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Forwarder(continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return StreamingHTTPClient(channel: channel, stream: stream)
    }

    /// Sends a request head (and, when given, a body with its Content-Length), then reads the response head.
    func send(_ method: String, _ path: String, body: [UInt8]? = nil) async throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        if let body { head += "Content-Length: \(body.count)\r\n" }
        try await channel.writeAndFlush(ByteBuffer(string: head + "\r\n"))
        if let body {
            // In pieces, as a client uploading a file does.
            var offset = 0
            while offset < body.count {
                let end = min(offset + 256 << 10, body.count)
                try await channel.writeAndFlush(ByteBuffer(bytes: body[offset..<end]))
                offset = end
            }
        }
        try await readHead()
    }

    /// The value of response header `name`.
    func header(_ name: String) -> String? {
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    var status: Int { Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0 }

    /// The next piece of a chunked body: the data of one chunk, or nil after the last chunk or when the
    /// connection closed (see ``closed`` and ``complete``).
    func nextChunk() async throws -> [UInt8]? {
        guard !chunkedEnded, let line = try await readLine() else { return nil }
        guard let size = Int(line.split(separator: ";").first ?? "", radix: 16) else {
            throw ProtocolError(description: "bad chunk size line \(line)")
        }
        if size == 0 {
            while let trailer = try await readLine(), !trailer.isEmpty {}
            chunkedEnded = true
            return nil
        }
        guard let data = try await readExactly(size) else { return nil }
        _ = try await readLine()
        return data
    }

    /// Whether the chunked body ended with its last chunk (not with the connection cut).
    var complete: Bool { chunkedEnded }

    /// Reads chunks until the body ends or the connection closes; their bytes joined.
    func readRest() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let chunk = try await nextChunk() { bytes += chunk }
        return bytes
    }

    /// A body framed by Content-Length.
    func readBody() async throws -> [UInt8] {
        let length = Int(header("content-length") ?? "") ?? 0
        return try await readExactly(length) ?? []
    }

    /// The next `count` bytes of a body framed by Content-Length, or nil when the connection closed first.
    func read(exactly count: Int) async throws -> [UInt8]? {
        try await readExactly(count)
    }

    /// GETs `path` on a connection of its own and returns the body (framed by Content-Length) as text.
    static func text(of path: String, at url: String) async throws -> String {
        let client = try await connect(url)
        try await client.send("GET", path)
        let body = try await client.readBody()
        await client.close()
        return String(decoding: body, as: UTF8.self)
    }

    func close() async {
        try? await channel.close()
    }

    private func readHead() async throws {
        head = []
        while let line = try await readLine() {
            if line.isEmpty { return }
            head.append(line)
        }
        throw ProtocolError(description: "the connection closed before the response head")
    }

    private func fill() async throws -> Bool {
        guard !closed else { return false }
        channel.read()
        guard var more = try await iterator.next() else {
            closed = true
            return false
        }
        buffer.discardReadBytes()  // or the buffer keeps every byte ever read
        buffer.writeBuffer(&more)
        return true
    }

    private func readLine() async throws -> String? {
        while true {
            let view = buffer.readableBytesView
            if let index = view.firstIndex(of: UInt8(ascii: "\n")) {
                var bytes = buffer.readBytes(length: index - view.startIndex + 1) ?? []
                bytes.removeLast()
                if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
            guard try await fill() else { return nil }
        }
    }

    private func readExactly(_ count: Int) async throws -> [UInt8]? {
        while buffer.readableBytes < count {
            guard try await fill() else { return nil }
        }
        return buffer.readBytes(length: count)
    }
}
