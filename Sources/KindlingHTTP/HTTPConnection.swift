import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization

/// The state one connection shares between its task, the request body and the response writer.
///
/// The connection task handles one request at a time (``HTTPServerPipelineHandler`` holds pipelined requests
/// back until the previous response has ended). Each request gets a new `generation`; bodies and writers carry
/// the generation they were made for and fail once it has passed, so a responder cannot touch a later request.
final class HTTPConnection: @unchecked Sendable {
    // Safety: `iterator` is the one non-Sendable member. It is used by one task at a time: by the connection task
    // while no responder runs, and by the single body reader that has set `exchange.reading` while one does. The
    // connection task only resumes using it after checking, under the lock, that no read is in flight.
    nonisolated(unsafe) var iterator: NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator

    let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    let configuration: HTTPServerConfiguration
    let allocator: ByteBufferAllocator
    let exchange: Mutex<Exchange>

    init(
        inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        configuration: HTTPServerConfiguration,
        allocator: ByteBufferAllocator
    ) {
        self.iterator = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.configuration = configuration
        self.allocator = allocator
        self.exchange = Mutex(Exchange())
    }

    /// The state of the current request/response pair, guarded by `exchange`.
    struct Exchange {
        enum Continue { case notNeeded, pending, sending, sent, skipped }
        enum Response: Equatable { case idle, streaming, ended }

        var generation: UInt64 = 0
        var active = false
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
                try await self.outbound.write(.head(HTTPResponseHead(version: version, status: .continue)))
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
            part = try await self.iterator.next()
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

    /// Waits while a `100 Continue` is being written by a concurrent body read (rare: reading and answering at
    /// the same moment from two tasks), so the final head always follows it.
    private func startResponse(_ response: HTTPResponse, generation: UInt64) async throws {
        while true {
            let waitForContinue = try self.exchange.withLock { state throws(HTTPServerError) -> Bool in
                try state.checkWritable(generation)
                return state.startResponse(status: response.status)
            }
            if !waitForContinue { return }
            await Task.yield()
        }
    }

    func writeComplete(_ response: HTTPResponse, body: ByteBuffer, generation: UInt64) async throws {
        try await self.startResponse(response, generation: generation)
        let (head, framing) = self.exchange.withLock { state in
            state.response = .ended
            state.responseBytes = body.readableBytes
            let converted = HTTPResponseHead.converting(
                response,
                bodyLength: body.readableBytes,
                isHead: state.isHead,
                version: state.version,
                keepAlive: state.keepAlive && !state.mustClose,
                date: state.dates.current(),
                serverName: self.configuration.serverName
            )
            state.framing = converted.framing
            return converted
        }
        if framing == .none || body.readableBytes == 0 {
            try await self.outbound.write(contentsOf: CollectionOfTwo(.head(head), .end(nil)))
        } else {
            try await self.outbound.write(contentsOf: CollectionOfThree(.head(head), .body(.byteBuffer(body)), .end(nil)))
        }
    }

    func writeHead(_ response: HTTPResponse, generation: UInt64) async throws {
        try await self.startResponse(response, generation: generation)
        let head = self.exchange.withLock { state in
            state.response = .streaming
            let converted = HTTPResponseHead.converting(
                response,
                bodyLength: nil,
                isHead: state.isHead,
                version: state.version,
                keepAlive: state.keepAlive && !state.mustClose,
                date: state.dates.current(),
                serverName: self.configuration.serverName
            )
            state.framing = converted.framing
            if converted.framing == .untilClose { state.mustClose = true }
            return converted.head
        }
        try await self.outbound.write(.head(head))
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
        if send { try await self.outbound.write(.body(.byteBuffer(chunk))) }
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
        try await self.outbound.write(.end(headers))
    }
}

/// Two parts written in one call without allocating an array.
private struct CollectionOfTwo<Element>: RandomAccessCollection {
    let first: Element
    let second: Element
    init(_ first: Element, _ second: Element) {
        self.first = first
        self.second = second
    }
    var startIndex: Int { 0 }
    var endIndex: Int { 2 }
    subscript(position: Int) -> Element { position == 0 ? self.first : self.second }
}

/// Three parts written in one call without allocating an array.
private struct CollectionOfThree<Element>: RandomAccessCollection {
    let first: Element
    let second: Element
    let third: Element
    init(_ first: Element, _ second: Element, _ third: Element) {
        self.first = first
        self.second = second
        self.third = third
    }
    var startIndex: Int { 0 }
    var endIndex: Int { 3 }
    subscript(position: Int) -> Element {
        switch position {
        case 0: self.first
        case 1: self.second
        default: self.third
        }
    }
}
