import AsyncHTTPClient
import KindlingRuntime
import NIOCore
import Synchronization

/// The body of a network response as the worker reads it: the ``KindlingRuntime/BodyStreamSource`` of the
/// ``KindlingRuntime/BodyStream`` behind `response.body`, fed by ``ResponseStreamer`` as AsyncHTTPClient receives
/// body parts.
///
/// Back-pressure: AsyncHTTPClient reads no further from the socket until the future returned for a body part
/// completes. Parts are buffered up to ``highWater`` bytes; past that the future waits until the worker reads, so a
/// worker that reads slowly slows the server down and at most about ``highWater`` bytes (plus one socket read) are
/// held. A read takes everything buffered as one chunk, so a worker slower than the network makes fewer, larger
/// hops.
///
/// Thread-safety: `push`, `finish` and `fail` run on the exchange's event loop, `read` and `cancel` wherever the
/// stream's consumer runs; the state is behind a lock and callbacks are called outside it.
final class NetworkBodySource: BodyStreamSource {
    /// Bytes buffered before the socket waits for the worker.
    static let highWater = 256 * 1024

    private typealias Reader = @Sendable (Result<[UInt8]?, any Error>) -> Void

    private struct State {
        var parts: [ByteBuffer] = []
        var bufferedBytes = 0
        /// Completes the future of the part that filled the buffer; the socket is read again once it does.
        var demand: EventLoopPromise<Void>?
        /// A read waiting for the next part (only while `parts` is empty).
        var reader: Reader?
        /// Set once the body ended or failed; buffered parts are still read first.
        var end: Result<Void, any Error>?
        var cancelled = false
    }

    private let state: Mutex<State>
    private let cancelExchange: @Sendable () -> Void

    /// A source that starts with `parts` (those that came with the head) and calls `cancelExchange` when the worker
    /// stops reading early (closing the connection).
    init(parts: [ByteBuffer], cancelExchange: @escaping @Sendable () -> Void) {
        var initial = State()
        initial.parts = parts
        initial.bufferedBytes = parts.reduce(0) { $0 + $1.readableBytes }
        self.state = Mutex(initial)
        self.cancelExchange = cancelExchange
    }

    /// A body part from the network; the future completes when AsyncHTTPClient may read more.
    func push(_ part: ByteBuffer, on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        enum Step {
            case deliver(Reader)
            case buffered
            case wait(EventLoopPromise<Void>)
        }
        let step = state.withLock { state -> Step in
            if state.cancelled { return .buffered }
            if let reader = state.reader {
                state.reader = nil
                return .deliver(reader)
            }
            state.parts.append(part)
            state.bufferedBytes += part.readableBytes
            if state.bufferedBytes < Self.highWater { return .buffered }
            let promise = eventLoop.makePromise(of: Void.self)
            state.demand = promise
            return .wait(promise)
        }
        switch step {
        case .deliver(let reader):
            reader(.success(Array(part.readableBytesView)))
            return eventLoop.makeSucceededVoidFuture()
        case .buffered:
            return eventLoop.makeSucceededVoidFuture()
        case .wait(let promise):
            return promise.futureResult
        }
    }

    /// The body ended: reads give what is buffered, then the end.
    func finish() {
        end(.success(()))
    }

    /// The exchange failed (the connection dropped, the client shut down): reads give what is buffered, then
    /// `error`.
    func fail(_ error: any Error) {
        end(.failure(error))
    }

    private func end(_ result: Result<Void, any Error>) {
        let (reader, demand) = state.withLock { state -> (Reader?, EventLoopPromise<Void>?) in
            guard state.end == nil else { return (nil, nil) }
            state.end = result
            defer {
                state.reader = nil
                state.demand = nil
            }
            return (state.reader, state.demand)
        }
        switch result {
        case .success:
            reader?(.success(nil))
            demand?.succeed()
        case .failure(let error):
            reader?(.failure(error))
            demand?.fail(error)
        }
    }

    func read(_ completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        enum Step {
            case deliver([ByteBuffer], EventLoopPromise<Void>?)
            case end(Result<Void, any Error>)
            case wait
        }
        let step = state.withLock { state -> Step in
            if state.cancelled { return .end(.success(())) }
            if !state.parts.isEmpty {
                defer {
                    state.parts = []
                    state.bufferedBytes = 0
                    state.demand = nil
                }
                return .deliver(state.parts, state.demand)
            }
            if let end = state.end { return .end(end) }
            state.reader = completion
            return .wait
        }
        switch step {
        case .deliver(let parts, let demand):
            demand?.succeed()
            completion(.success(Self.joined(parts)))
        case .end(.success):
            completion(.success(nil))
        case .end(.failure(let error)):
            completion(.failure(error))
        case .wait:
            break
        }
    }

    func cancel() {
        let (reader, demand) = state.withLock { state -> (Reader?, EventLoopPromise<Void>?) in
            guard !state.cancelled else { return (nil, nil) }
            state.cancelled = true
            state.parts = []
            state.bufferedBytes = 0
            defer {
                state.reader = nil
                state.demand = nil
            }
            return (state.reader, state.demand)
        }
        reader?(.success(nil))
        demand?.fail(HTTPClientError.cancelled)
        cancelExchange()
    }

    /// The parts' bytes as one array, copied once.
    private static func joined(_ parts: [ByteBuffer]) -> [UInt8] {
        if parts.count == 1 { return Array(parts[0].readableBytesView) }
        let total = parts.reduce(0) { $0 + $1.readableBytes }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for part in parts { bytes += part.readableBytesView }
        return bytes
    }
}
