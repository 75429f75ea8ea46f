import NIOCore
import NIOHTTP1
import Synchronization

/// The last handler of a connection's pipeline: hands request parts to the connection's task and takes response
/// parts from it, with back-pressure both ways.
///
/// It does what `NIOAsyncChannel` does, for one element type and one consumer, at a fraction of the cost per
/// request (that generic machinery cost a third of a hello world's CPU time). Reads are held while more than
/// `highWatermark` parts wait for the task; response body writes wait while the socket is not writable. A part
/// that is already buffered is returned without suspending, and a write made on the event loop goes straight
/// into the pipeline.
final class HTTPChannelBridge: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    // Safety: `context` is set in handlerAdded and only read on the event loop (`writeOnLoop`, handler methods).
    // Everything else shared with the connection's task is in `state`, under its lock.
    private nonisolated(unsafe) var context: ChannelHandlerContext?
    /// The response encoder's context, found in handlerAdded and read on the event loop only: whole responses that
    /// ``HTTPConnection`` serializes itself are written from there, past the encoder (see ``writeWire(_:_:)``).
    private nonisolated(unsafe) var wireContext: ChannelHandlerContext?
    let channel: any Channel
    private let eventLoop: any EventLoop
    private let state = Mutex(State())

    private static let highWatermark = 16
    private static let lowWatermark = 4

    private struct State {
        var buffer = CircularBuffer<HTTPServerRequestPart>(initialCapacity: 4)
        var reader: UnsafeContinuation<HTTPServerRequestPart?, any Error>?
        var readHeld = false
        var closed = false
        /// The client half-closed: no more requests, but the response in progress can still be written.
        var inputClosed = false
        var failure: (any Error)?
        var writable = true
        var writabilityWaiters: [UnsafeContinuation<Void, any Error>] = []
        /// Whether a request is in progress (set by the connection); the idle timeout leaves such connections be.
        var isBusy: (@Sendable () -> Bool)?
        /// Writes dispatched to the event loop and not yet done; later writes queue behind them to keep order.
        var queuedWrites = 0
        /// Body bytes handed over by ``writeBody(_:bytes:)`` that the socket has not taken yet.
        var bytesInFlight = 0
        /// Offered each request head that arrives with nothing buffered before it (``HTTPConnection``'s callback
        /// path); returns whether it took the request.
        var callbackPath: (@Sendable (HTTPRequestHead) -> Bool)?
        /// A request taken by the callback path is being answered: parts that arrive meanwhile wait in `buffer`
        /// even though the task is parked, so that requests are still answered in order.
        var callbackInFlight = false
        /// The `.end` of the head the callback path took has not arrived yet; it is dropped when it does.
        var dropNextEnd = false
    }

    init(channel: any Channel) {
        self.channel = channel
        self.eventLoop = channel.eventLoop
    }

    // MARK: Event-loop side

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.wireContext = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.wireContext = nil
    }

    /// Whether the pipeline has NIO's response encoder for ``writeWire(_:_:)`` to write past. Read on the event
    /// loop, once the bridge is in the pipeline.
    var canWriteWire: Bool { self.wireContext != nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = Self.unwrapInboundIn(data)
        let route = self.state.withLock { state -> Route in
            if state.dropNextEnd, case .end = part {
                state.dropNextEnd = false
                return .kept
            }
            // A head with nothing before it may be answered on the spot, without the task (the connection declines
            // while an exchange is in progress). Claimed before the offer, since the callback may answer (and
            // finish) before it returns.
            if case .head(let head) = part, let offer = state.callbackPath, state.buffer.isEmpty,
                !state.callbackInFlight
            {
                state.callbackInFlight = true
                state.dropNextEnd = true
                return .offer(offer, head)
            }
            return Self.deliver(part, &state)
        }
        switch route {
        case .resume(let reader):
            reader.resume(returning: part)
        case .offer(let offer, let head):
            if offer(head) { return }
            let reader = self.state.withLock { state -> UnsafeContinuation<HTTPServerRequestPart?, any Error>? in
                state.callbackInFlight = false
                state.dropNextEnd = false
                guard case .resume(let reader) = Self.deliver(part, &state) else { return nil }
                return reader
            }
            reader?.resume(returning: part)
        case .kept:
            break
        }
    }

    private enum Route {
        case resume(UnsafeContinuation<HTTPServerRequestPart?, any Error>)
        case offer(@Sendable (HTTPRequestHead) -> Bool, HTTPRequestHead)
        case kept
    }

    /// Hands `part` to the parked task, or buffers it while there is none or a callback exchange is in flight.
    private static func deliver(_ part: HTTPServerRequestPart, _ state: inout State) -> Route {
        if !state.callbackInFlight, let reader = state.reader {
            state.reader = nil
            return .resume(reader)
        }
        state.buffer.append(part)
        return .kept
    }

    func read(context: ChannelHandlerContext) {
        let hold = self.state.withLock { state -> Bool in
            if state.buffer.count >= Self.highWatermark {
                state.readHeld = true
                return true
            }
            return false
        }
        if !hold { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        let waiters = self.state.withLock { state in
            state.writable = writable
            guard writable else { return [UnsafeContinuation<Void, any Error>]() }
            defer { state.writabilityWaiters = [] }
            return state.writabilityWaiters
        }
        for waiter in waiters { waiter.resume() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            // On the loop, so no part can arrive meanwhile: idle means the task waits for a head and has none.
            let (waiting, isBusy) = self.state.withLock { ($0.reader != nil && $0.buffer.isEmpty, $0.isBusy) }
            if waiting && !(isBusy?() ?? false) { context.close(promise: nil) }
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            let reader = self.state.withLock { state -> UnsafeContinuation<HTTPServerRequestPart?, any Error>? in
                state.inputClosed = true
                // A callback exchange still answers a half-closed client; its end lets the task go.
                guard !state.callbackInFlight else { return nil }
                defer { state.reader = nil }
                return state.reader
            }
            reader?.resume(returning: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish(error: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish(error: error)
        context.close(promise: nil)
    }

    private func finish(error: (any Error)?) {
        let (reader, waiters) = self.state.withLock { state in
            state.closed = true
            state.callbackPath = nil  // the connection's callbacks hold it: let it go with the channel
            state.isBusy = nil
            if state.failure == nil { state.failure = error }
            defer {
                state.reader = nil
                state.writabilityWaiters = []
            }
            return (state.reader, state.writabilityWaiters)
        }
        if let error { reader?.resume(throwing: error) } else { reader?.resume(returning: nil) }
        for waiter in waiters { waiter.resume(throwing: HTTPServerError.connectionClosed) }
    }

    // MARK: Task side

    /// Whether the task is parked waiting for a part (for tests of the idle rule).
    var hasParkedReader: Bool { self.state.withLock { $0.reader != nil } }

    /// Tells the idle timeout whether a request is in progress.
    func setBusyCheck(_ isBusy: @escaping @Sendable () -> Bool) {
        self.state.withLock { $0.isBusy = isBusy }
    }

    /// Offers each request head that arrives with nothing buffered before it to `offer`
    /// (``HTTPConnection/offerRequests(to:)``).
    func setCallbackPath(_ offer: @escaping @Sendable (HTTPRequestHead) -> Bool) {
        self.state.withLock { $0.callbackPath = offer }
    }

    /// Drops the connection's callbacks (the offer and the busy check), which hold it strongly.
    func releaseConnection() {
        self.state.withLock { state in
            state.callbackPath = nil
            state.isBusy = nil
        }
    }

    /// Ends the callback exchange in flight. The parked task gets what arrived meanwhile, led by `handOff` (the
    /// request the callback gave back to the task, with its end) if given.
    /// - Returns: Whether the task is still there to read it (`false` once the connection has closed).
    func finishCallbackExchange(handingOff handOff: HTTPRequestHead? = nil) -> Bool {
        let (reader, step, resumeReading, open) = self.state.withLock {
            state -> (UnsafeContinuation<HTTPServerRequestPart?, any Error>?, Result<HTTPServerRequestPart?, any Error>, Bool, Bool) in
            state.callbackInFlight = false
            if state.closed || state.failure != nil { return (nil, .success(nil), false, false) }
            if let handOff {
                state.buffer.prepend(.end(nil))
                state.buffer.prepend(.head(handOff))
            }
            guard let reader = state.reader else { return (nil, .success(nil), false, true) }
            let step: Result<HTTPServerRequestPart?, any Error>
            if let part = state.buffer.popFirst() {
                step = .success(part)
            } else if let failure = state.failure {
                step = .failure(failure)
            } else if state.closed || state.inputClosed {
                step = .success(nil)
            } else {
                return (nil, .success(nil), false, true)  // nothing yet: the task stays parked
            }
            state.reader = nil
            let resume = state.readHeld && state.buffer.count <= Self.lowWatermark
            if resume { state.readHeld = false }
            return (reader, step, resume, true)
        }
        if resumeReading { self.channel.read() }
        reader?.resume(with: step)
        return open
    }

    /// The next request part, or `nil` once the connection has closed.
    /// - Throws: The pipeline's error (a decoder error, a reset).
    func next() async throws -> HTTPServerRequestPart? {
        enum Step {
            case part(HTTPServerRequestPart, resumeReading: Bool)
            case end
            case fail(any Error)
            case wait(resumeReading: Bool)
        }
        // While a callback exchange is in flight, what arrived after its request waits for it to end
        // (`finishCallbackExchange`), as does the end of a half-closed input.
        let step = self.state.withLock { state -> Step in
            if !state.callbackInFlight, let part = state.buffer.popFirst() {
                let resume = state.readHeld && state.buffer.count <= Self.lowWatermark
                if resume { state.readHeld = false }
                return .part(part, resumeReading: resume)
            }
            if let failure = state.failure { return .fail(failure) }
            if state.closed || (state.inputClosed && !state.callbackInFlight) { return .end }
            let resume = state.readHeld
            state.readHeld = false
            return .wait(resumeReading: resume)
        }
        switch step {
        case .part(let part, let resumeReading):
            if resumeReading { self.channel.read() }
            return part
        case .end:
            return nil
        case .fail(let error):
            throw error
        case .wait(let resumeReading):
            if resumeReading { self.channel.read() }
        }
        return try await withUnsafeThrowingContinuation { continuation in
            let ready = self.state.withLock { state -> Result<HTTPServerRequestPart?, any Error>? in
                if !state.callbackInFlight, let part = state.buffer.popFirst() { return .success(part) }
                if let failure = state.failure { return .failure(failure) }
                if state.closed || (state.inputClosed && !state.callbackInFlight) { return .success(nil) }
                state.reader = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// Writes parts and flushes them, keeping order with writes made from other threads.
    /// - Throws: ``HTTPServerError`` `.connectionClosed` if the connection is gone.
    func write(_ first: HTTPServerResponsePart, _ second: HTTPServerResponsePart? = nil, _ third: HTTPServerResponsePart? = nil) throws {
        if try self.claimDirectWrite() {
            self.writeOnLoop(first, second, third)
        } else {
            self.eventLoop.execute {
                self.state.withLock { $0.queuedWrites -= 1 }
                self.writeOnLoop(first, second, third)
            }
        }
    }

    /// Whether a write may go into the pipeline at once (on the event loop, nothing queued before it); otherwise
    /// counts it as queued, and the caller hands it to the loop, which uncounts it when it runs.
    /// - Throws: ``HTTPServerError`` `.connectionClosed` if the connection is gone.
    private func claimDirectWrite() throws(HTTPServerError) -> Bool {
        let onLoop = self.eventLoop.inEventLoop
        return try self.state.withLock { state throws(HTTPServerError) -> Bool in
            guard !state.closed else { throw .connectionClosed }
            if onLoop && state.queuedWrites == 0 { return true }
            state.queuedWrites += 1
            return false
        }
    }

    private func writeOnLoop(_ first: HTTPServerResponsePart, _ second: HTTPServerResponsePart?, _ third: HTTPServerResponsePart?) {
        guard let context = self.context else { return }
        context.write(Self.wrapOutboundOut(first), promise: nil)
        if let second { context.write(Self.wrapOutboundOut(second), promise: nil) }
        if let third { context.write(Self.wrapOutboundOut(third), promise: nil) }
        context.flush()
    }

    /// Writes a whole response already in HTTP/1 wire format, and flushes: a head and body serialized by
    /// ``HTTPConnection``, in one buffer, or a head and then a large body. One write into the channel instead of a
    /// head, a body and an end passed through the encoder, which would produce the same bytes.
    /// - Throws: ``HTTPServerError`` `.connectionClosed` if the connection is gone.
    func writeWire(_ bytes: ByteBuffer, _ more: ByteBuffer? = nil) throws {
        if try self.claimDirectWrite() {
            self.writeWireOnLoop(bytes, more)
        } else {
            self.eventLoop.execute {
                self.state.withLock { $0.queuedWrites -= 1 }
                self.writeWireOnLoop(bytes, more)
            }
        }
    }

    private func writeWireOnLoop(_ bytes: ByteBuffer, _ more: ByteBuffer?) {
        guard let wire = self.wireContext else { return }
        if let more {
            wire.write(NIOAny(bytes), promise: nil)
            wire.writeAndFlush(NIOAny(more), promise: nil)
        } else {
            wire.writeAndFlush(NIOAny(bytes), promise: nil)
        }
    }

    /// Writes and flushes one body part; when more than ``maxBytesInFlight`` are handed over and not yet taken by
    /// the socket, waits until this part was: the back-pressure of a streamed body.
    ///
    /// Counting the bytes handed over, not only the channel's writability, matters when the writer is faster than
    /// the event loop: writes handed to the loop are not seen by the channel until the loop runs them, so a
    /// writability check alone would let them pile up in memory.
    /// - Throws: ``HTTPServerError`` `.connectionClosed` if the connection is gone, or the write's error.
    func writeBody(_ part: HTTPServerResponsePart, bytes: Int) async throws {
        let direct = try self.claimDirectWrite()
        let inFlight = self.state.withLock { state in
            state.bytesInFlight += bytes
            return state.bytesInFlight
        }
        let promise = self.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenComplete { _ in self.state.withLock { $0.bytesInFlight -= bytes } }
        if direct {
            self.writeOnLoop(part, promise: promise)
        } else {
            self.eventLoop.execute {
                self.state.withLock { $0.queuedWrites -= 1 }
                self.writeOnLoop(part, promise: promise)
            }
        }
        if inFlight > Self.maxBytesInFlight { try await promise.futureResult.get() }
    }

    /// Body bytes a writer may hand over before it waits for the socket.
    static let maxBytesInFlight = 256 << 10

    private func writeOnLoop(_ part: HTTPServerResponsePart, promise: EventLoopPromise<Void>) {
        guard let context = self.context else {
            promise.fail(HTTPServerError.connectionClosed)
            return
        }
        context.writeAndFlush(Self.wrapOutboundOut(part), promise: promise)
    }

    /// Waits while the socket is not writable (a slow client), so a streamed body does not pile up in memory.
    /// - Throws: ``HTTPServerError`` `.connectionClosed` if the connection closes meanwhile.
    func waitUntilWritable() async throws {
        if self.state.withLock({ $0.writable && !$0.closed }) { return }
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            let outcome = self.state.withLock { state -> Bool? in
                if state.closed { return false }
                if state.writable { return true }
                state.writabilityWaiters.append(continuation)
                return nil
            }
            switch outcome {
            case .some(true): continuation.resume()
            case .some(false): continuation.resume(throwing: HTTPServerError.connectionClosed)
            case .none: break
            }
        }
    }
}

extension HTTPServerError {
    static let connectionClosed = HTTPServerError(
        code: .connectionClosed,
        message: "The connection closed before the response was written."
    )
}
