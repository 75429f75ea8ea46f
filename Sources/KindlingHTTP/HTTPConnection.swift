import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization

/// The state one connection shares between its task, the request body and the response writer.
///
/// The connection task handles one request at a time, reading the next head only after the previous response has
/// ended, so pipelined requests are answered in order. NIO's `HTTPServerPipelineHandler` is not used: it stops and
/// restarts socket reads around every response not written inside `channelRead` (two `epoll_ctl` calls a request);
/// ``HTTPChannelBridge``'s back-pressure bounds what a pipelining client can queue.
///
/// Each request gets a new `generation`; bodies and writers carry the generation they were made for and fail once
/// it has passed, so a responder cannot touch a later request.
final class HTTPConnection: Sendable {
    /// The request parts in, the response parts out. Only one task reads at a time: the connection task while
    /// no responder runs, or the single body reader that has set `exchange.reading` while one does.
    let bridge: HTTPChannelBridge
    let configuration: HTTPServerConfiguration
    let allocator: ByteBufferAllocator
    let exchange: Mutex<Exchange>
    /// The channel's event loop: where the callback path writes.
    let eventLoop: any EventLoop
    /// The client's address and ours, as the socket had them when the connection was accepted.
    let remoteAddress: SocketAddress?
    let localAddress: SocketAddress?
    /// The buffer the last whole response was serialized into, kept for the next (see `wireBuffer(capacity:)`).
    /// Only the event loop touches it.
    nonisolated(unsafe) var recycledWire: ByteBuffer?

    var channel: any Channel { self.bridge.channel }

    init(bridge: HTTPChannelBridge, configuration: HTTPServerConfiguration) {
        self.bridge = bridge
        self.configuration = configuration
        self.allocator = bridge.channel.allocator
        self.exchange = Mutex(Exchange())
        self.eventLoop = bridge.channel.eventLoop
        self.remoteAddress = bridge.channel.remoteAddress
        self.localAddress = bridge.channel.localAddress
        // Whole responses are written past NIO's encoder (``HTTPChannelBridge/writeWire(_:_:)``): the server's
        // pipeline always has one.
        assert(bridge.canWriteWire, "the connection's pipeline has no HTTPResponseEncoder to write past")
        // A strong reference, let go when the channel closes or serving ends (`releaseConnection`): a weak one
        // would give the connection a side table, which makes every retain and release of it a slower call.
        bridge.setBusyCheck { [self] in self.exchange.withLock { $0.busy } }
    }

    /// Asks the connection to finish: an idle one closes now; a busy one closes after its current response, which
    /// says `Connection: close` if its head has not been written yet.
    func quiesce() {
        let closeNow = self.exchange.withLock { state -> Bool in
            state.quiescing = true
            if state.busy {
                state.keepAlive = false
                return false
            }
            return true
        }
        if closeNow { self.channel.close(promise: nil) }
    }

    /// The state of the current request/response pair, guarded by `exchange`.
    struct Exchange {
        enum Continue { case notNeeded, pending, sending, sent, skipped }
        enum Response: Equatable { case idle, streaming, ended }

        var generation: UInt64 = 0
        var active = false
        /// Between a request head and the end of its response; shutdown closes only connections that are not.
        var busy = false
        var quiescing = false
        var version = HTTPVersion.http1_1
        var isHead = false
        var keepAlive = true
        var dates = HTTPDateCache()

        var bodyEnded = false
        var reading = false
        var bodyBytes = 0
        var bodyTooLarge = false
        var bodyBroken = false
        var continueState = Continue.notNeeded

        var response = Response.idle
        var status: HTTPResponse.Status?
        var framing = BodyFraming.none
        var responseBytes = 0
        /// The connection must close after this response (already announced or not).
        var mustClose = false
        /// A callback exchange handed back to the task: the next head the task reads is answered by this.
        var handOff: HandOff?

        /// Starts the exchange for `head`; returns its generation.
        mutating func begin(_ head: HTTPRequestHead, expectsContinue: Bool) -> UInt64 {
            self.generation &+= 1
            self.active = true
            self.busy = true
            self.version = head.version
            self.isHead = head.method == .HEAD
            self.keepAlive = head.isKeepAlive && !self.quiescing
            self.bodyEnded = false
            self.reading = false
            self.bodyBytes = 0
            self.bodyTooLarge = false
            self.bodyBroken = false
            self.continueState = expectsContinue ? .pending : .notNeeded
            self.response = .idle
            self.status = nil
            self.framing = .none
            self.responseBytes = 0
            self.mustClose = false
            return self.generation
        }

        /// Ends the exchange for its responder: bodies and writers made for it fail from now on.
        mutating func end() {
            self.active = false
            self.generation &+= 1
        }

        mutating func checkWritable(_ generation: UInt64) throws(HTTPServerError) {
            guard self.active, self.generation == generation else { throw .responseFinished }
            guard self.response == .idle else { throw .responseAlreadyStarted }
        }

        /// Marks the response as started; returns whether a `100 Continue` is being written right now.
        mutating func startResponse(status: HTTPResponse.Status) -> Bool {
            if self.continueState == .sending { return true }
            if self.continueState == .pending {
                // The responder answers without reading: no 100, and the unread body makes the connection unusable.
                self.continueState = .skipped
                self.mustClose = true
            }
            self.status = status
            return false
        }
    }

    // MARK: Request body

    func nextBodyChunk(generation: UInt64) async throws -> ByteBuffer? {
        enum Step { case end, read, sendContinueThenRead, fail(HTTPServerError) }
        let step = self.exchange.withLock { state -> Step in
            guard state.active, state.generation == generation else { return .fail(.bodyAlreadyConsumed) }
            if state.bodyTooLarge { return .fail(.requestBodyTooLarge(limit: self.configuration.maxRequestBodyBytes)) }
            if state.bodyBroken { return .fail(.requestBodyIncomplete) }
            if state.bodyEnded { return .end }
            if state.reading { return .fail(.bodyAlreadyConsumed) }
            state.reading = true
            if state.continueState == .pending && state.response == .idle {
                state.continueState = .sending
                return .sendContinueThenRead
            }
            return .read
        }
        switch step {
        case .end: return nil
        case .fail(let error): throw error
        case .read: break
        case .sendContinueThenRead:
            let version = self.exchange.withLock { $0.version }
            do {
                try self.bridge.write(.head(HTTPResponseHead(version: version, status: .continue)))
            } catch {
                self.exchange.withLock {
                    $0.continueState = .sent
                    $0.reading = false
                    $0.bodyBroken = true
                }
                throw error
            }
            self.exchange.withLock { $0.continueState = .sent }
        }

        let part: HTTPServerRequestPart?
        do {
            part = try await self.bridge.next()
        } catch {
            self.exchange.withLock {
                $0.reading = false
                $0.bodyBroken = true
            }
            throw HTTPServerError(
                code: .requestBodyIncomplete,
                message: HTTPServerError.requestBodyIncomplete.message,
                cause: error
            )
        }
        let limit = self.configuration.maxRequestBodyBytes
        return try self.exchange.withLock { state throws(HTTPServerError) -> ByteBuffer? in
            state.reading = false
            switch part {
            case .body(let chunk):
                state.bodyBytes += chunk.readableBytes
                if state.bodyBytes > limit {
                    state.bodyTooLarge = true
                    state.mustClose = true
                    throw .requestBodyTooLarge(limit: limit)
                }
                return chunk
            case .end:
                state.bodyEnded = true
                return nil
            case .head, nil:
                state.bodyBroken = true
                state.mustClose = true
                throw .requestBodyIncomplete
            }
        }
    }

    // MARK: Response

    /// Converts the head of a streamed response that is about to be written (under the `exchange` lock), marking the
    /// response as started.
    func claimStreamedResponse(_ response: HTTPResponse, _ state: inout Exchange) -> HTTPResponseHead {
        let (head, framing) = HTTPResponseHead.converting(.response(response), self.wireTerms(bodyLength: nil, &state))
        state.framing = framing
        state.response = .streaming
        if framing == .untilClose { state.mustClose = true }
        return head
    }

    /// Serializes the head of a whole response that is about to be written into `wire` (under the `exchange` lock),
    /// marking the response as ended: field by field, with no `HTTPResponseHead` or `HTTPHeaders` in between.
    /// - Parameter keepAlive: Whether to keep the connection, when the caller decides; else the exchange's state.
    func claimWireResponse(
        _ response: ResponseHeadSource, bodyLength: Int, keepAlive: Bool? = nil, _ state: inout Exchange,
        into wire: inout ByteBuffer
    ) -> BodyFraming {
        let framing = wire.writeResponseHead(
            response, self.wireTerms(bodyLength: bodyLength, keepAlive: keepAlive, &state))
        state.framing = framing
        state.response = .ended
        state.responseBytes = bodyLength
        return framing
    }

    /// The terms of the current exchange's response (under the `exchange` lock).
    /// - Parameter keepAlive: Whether to keep the connection, when the caller decides; else the exchange's state.
    func wireTerms(bodyLength: Int?, keepAlive: Bool? = nil, _ state: inout Exchange) -> ResponseWireTerms {
        ResponseWireTerms(
            bodyLength: bodyLength, isHead: state.isHead, version: state.version,
            keepAlive: keepAlive ?? (state.keepAlive && !state.mustClose), date: state.dates.current(),
            serverName: self.configuration.serverName)
    }

    /// Claims the response for `generation` with `claim` (``claimStreamedResponse(_:_:)`` or
    /// ``claimWireResponse(_:bodyLength:keepAlive:_:into:)``), in one critical section so that two racing writers
    /// cannot both send a head.
    ///
    /// Waits while a `100 Continue` is being written by a concurrent body read (rare: reading and answering at the
    /// same moment from two tasks), so the final head always follows it.
    private func beginResponse<Claimed>(
        status: HTTPResponse.Status, generation: UInt64, claim: (inout Exchange) -> Claimed
    ) async throws -> Claimed {
        while true {
            let claimed = try self.exchange.withLock { state throws(HTTPServerError) -> Claimed? in
                try state.checkWritable(generation)
                if state.startResponse(status: status) { return nil }
                return claim(&state)
            }
            if let claimed { return claimed }
            await Task.yield()
        }
    }

    func writeComplete(_ response: ResponseHeadSource, body: ByteBuffer, generation: UInt64) async throws {
        let bodyLength = body.readableBytes
        var wire = self.wireBuffer(capacity: Self.wireCapacity(forBody: bodyLength))
        let framing = try await self.beginResponse(status: response.status, generation: generation) { state in
            self.claimWireResponse(response, bodyLength: bodyLength, &state, into: &wire)
        }
        try self.writeWire(consume wire, framing: framing, body: .buffer(body))
    }

    /// A whole response's body: a buffer, or bytes to copy into one.
    enum WholeBody {
        case buffer(ByteBuffer)
        case bytes([UInt8])

        var count: Int {
            switch self {
            case .buffer(let buffer): buffer.readableBytes
            case .bytes(let bytes): bytes.count
            }
        }
    }

    /// Writes `wire`, a serialized head, with the whole body after it, past NIO's encoder: the bytes the encoder
    /// would have made, without its work on three response parts, the pipeline passing each on, and two buffers
    /// a response. On the event loop the buffer is the previous response's, written by now, so a small response
    /// allocates nothing. A body over `wireBodyLimit` goes as a buffer of its own after the head, not copied.
    ///
    /// `wire` is taken, not copied: a second reference to its storage (the caller's) would make the first write into
    /// it copy the whole buffer to new storage.
    func writeWire(_ wire: consuming ByteBuffer, framing: BodyFraming, body: WholeBody) throws {
        let bodyCount = framing == .none ? 0 : body.count
        var separateBody: ByteBuffer?
        if bodyCount > Self.wireBodyLimit {
            switch body {
            case .buffer(let bytes): separateBody = bytes
            case .bytes(let bytes): separateBody = self.allocator.buffer(bytes: bytes)
            }
        } else if bodyCount > 0 {
            switch body {
            case .buffer(var bytes): wire.writeBuffer(&bytes)
            case .bytes(let bytes): wire.writeBytes(bytes)
            }
        }
        try self.bridge.writeWire(wire, separateBody)
        if self.eventLoop.inEventLoop, wire.capacity <= Self.keptWireCapacity {
            self.recycledWire = wire
        }
    }

    /// The room a serialized response needs: a typical head, and the body when it is copied after it.
    static func wireCapacity(forBody count: Int) -> Int {
        Self.headCapacity + (count <= Self.wireBodyLimit ? count : 0)
    }

    /// Room for a typical response head.
    private static let headCapacity = 256
    /// The largest buffer a connection keeps between responses: an idle keep-alive connection holds it, and a
    /// server may have thousands of those.
    private static let keptWireCapacity = 4 << 10
    /// The largest body copied after its head.
    private static let wireBodyLimit = 16 << 10

    /// An empty buffer of at least `capacity` bytes: on the event loop the previous whole response's, whose bytes
    /// the socket has taken by now (clearing it then allocates nothing; if they are still queued it makes new
    /// storage, never touching theirs).
    func wireBuffer(capacity: Int) -> ByteBuffer {
        guard self.eventLoop.inEventLoop, var buffer = self.recycledWire.take() else {
            return self.allocator.buffer(capacity: capacity)
        }
        buffer.clear(minimumCapacity: capacity)
        return buffer
    }

    func writeHead(_ response: HTTPResponse, generation: UInt64) async throws {
        let head = try await self.beginResponse(status: response.status, generation: generation) { state in
            self.claimStreamedResponse(response, &state)
        }
        try self.bridge.write(.head(head))
    }

    func writeBodyChunk(_ chunk: ByteBuffer, generation: UInt64) async throws {
        let send = try self.exchange.withLock { state throws(HTTPServerError) -> Bool in
            guard state.active, state.generation == generation, state.response == .streaming else {
                throw .responseFinished
            }
            state.responseBytes += chunk.readableBytes
            if case .length(let length) = state.framing, state.responseBytes > length {
                state.mustClose = true
                throw HTTPServerError(
                    code: .bodyLengthMismatch,
                    message: "The response body is longer than its Content-Length of \(length) bytes."
                )
            }
            return state.framing != .none && chunk.readableBytes > 0
        }
        if send {
            try await self.bridge.writeBody(.body(.byteBuffer(chunk)), bytes: chunk.readableBytes)
        }
    }

    func finishBody(trailers: HTTPFields?, generation: UInt64) async throws {
        try self.exchange.withLock { state throws(HTTPServerError) in
            guard state.active, state.generation == generation, state.response == .streaming else {
                throw .responseFinished
            }
        }
        try await self.endStreamedBody(trailers: trailers)
    }

    /// Ends a streamed body (from the responder or, if it did not, from the connection task).
    func endStreamedBody(trailers: HTTPFields?) async throws {
        let sendTrailers = self.exchange.withLock { state -> Bool? in
            guard state.response == .streaming else { return nil }
            state.response = .ended
            if case .length(let length) = state.framing, state.responseBytes != length {
                state.mustClose = true  // the client is still waiting for bytes that will never come
            }
            return state.framing == .chunked
        }
        guard let sendTrailers else { throw HTTPServerError.responseFinished }
        var headers: HTTPHeaders?
        if sendTrailers, let trailers {
            headers = HTTPHeaders(trailers.map { ($0.name.rawName, $0.value) })
        }
        try self.bridge.write(.end(headers))
    }
}
