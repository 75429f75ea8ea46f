import AsyncHTTPClient
import KindlingRuntime
import NIOCore
import NIOHTTP1
import Synchronization

/// Answers one exchange when its response head arrives, the body following as a ``KindlingRuntime/BodyStream``
/// read from the network as the worker consumes it (``NetworkBodySource``), so `await fetch()` resolves before the
/// body has arrived and a large body is never held whole.
///
/// A short body is answered whole, with no stream: after the head, the delegate lets the event loop finish what it
/// was doing (the rest of the socket read that brought the head) before answering. If the body ended meanwhile,
/// and is under ``NetworkBodySource/highWater`` bytes, the worker gets bytes, which spares it a round trip to Swift
/// per read; otherwise it gets a stream that starts with what came so far. A slow body therefore always streams.
///
/// AsyncHTTPClient calls the delegate's methods on the exchange's event loop, one at a time; the phase is behind a
/// lock all the same, because ``attach(_:)`` and a cancel come from other threads.
final class ResponseStreamer: HTTPClientResponseDelegate, Sendable {
    typealias Response = Void
    typealias Answer = @Sendable (Result<KindlingRuntime.WorkerResponse, any Error>) -> Void

    private enum Phase {
        case awaitingHead
        /// The head came; the body parts that came since are kept until the answer goes out.
        case collecting(HTTPResponseHead, [ByteBuffer], bytes: Int)
        case streaming(NetworkBodySource)
        /// Answered with the whole body, or failed before the head.
        case done
    }

    private let phase = Mutex(Phase.awaitingHead)
    private let task = Mutex<(task: HTTPClient.Task<Void>?, cancelled: Bool)>((nil, false))
    private let answer: Answer
    private let describe: @Sendable (any Error) -> any Error

    /// - Parameters:
    ///   - describe: turns AsyncHTTPClient's and NIO's errors into the `TypeError` the worker sees.
    ///   - answer: called once, with the response (on its head, or whole) or the failure before the head.
    init(describe: @escaping @Sendable (any Error) -> any Error, answer: @escaping Answer) {
        self.describe = describe
        self.answer = answer
    }

    /// Gives the delegate its task, to cancel when the worker stops reading, and watches it for failures.
    func attach(_ task: HTTPClient.Task<Void>) {
        let cancelled = self.task.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelled { task.cancel() }
        task.futureResult.whenFailure { [self] error in fail(error) }
    }

    /// Closes the exchange (the worker cancelled or aborted the body, or dropped it unread).
    @Sendable func cancelExchange() {
        let task = self.task.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        phase.withLock { $0 = .collecting(head, [], bytes: 0) }
        // Runs after the event loop has handled the rest of the read that brought the head.
        task.eventLoop.execute { [self] in startStreaming() }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        enum Step {
            case collected
            case stream(NetworkBodySource)
            case startStreaming
        }
        let step = phase.withLock { phase -> Step in
            switch phase {
            case .collecting(let head, var parts, let bytes):
                parts.append(buffer)
                phase = .collecting(head, parts, bytes: bytes + buffer.readableBytes)
                return bytes + buffer.readableBytes < NetworkBodySource.highWater ? .collected : .startStreaming
            case .streaming(let source):
                return .stream(source)
            case .awaitingHead, .done:
                return .collected
            }
        }
        switch step {
        case .collected:
            return task.eventLoop.makeSucceededVoidFuture()
        case .startStreaming:
            startStreaming()
            return task.eventLoop.makeSucceededVoidFuture()
        case .stream(let source):
            return source.push(buffer, on: task.eventLoop)
        }
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        let finished = phase.withLock { phase -> (whole: KindlingRuntime.WorkerResponse?, source: NetworkBodySource?) in
            switch phase {
            case .collecting(let head, let parts, let bytes):
                phase = .done
                var body: [UInt8] = []
                body.reserveCapacity(bytes)
                for part in parts { body += part.readableBytesView }
                return (Self.response(head, body: .bytes(body)), nil)
            case .streaming(let source):
                return (nil, source)
            case .awaitingHead, .done:
                return (nil, nil)
            }
        }
        if let whole = finished.whole { answer(.success(whole)) }
        finished.source?.finish()
    }

    /// Answers with a stream over what came so far, unless the answer went out already.
    private func startStreaming() {
        let started = phase.withLock { phase -> (HTTPResponseHead, NetworkBodySource)? in
            guard case .collecting(let head, let parts, _) = phase else { return nil }
            let source = NetworkBodySource(parts: parts, cancelExchange: cancelExchange)
            phase = .streaming(source)
            return (head, source)
        }
        guard let (head, source) = started else { return }
        answer(.success(Self.response(head, body: .stream(BodyStream(source: source)))))
    }

    /// The exchange failed: before the head the fetch rejects; after it the body stream errors, after the parts
    /// that came before the failure.
    private func fail(_ error: any Error) {
        enum Step {
            case reject
            case answer(HTTPResponseHead, NetworkBodySource)
            case failBody(NetworkBodySource)
            case none
        }
        let step = phase.withLock { phase -> Step in
            switch phase {
            case .awaitingHead:
                phase = .done
                return .reject
            case .collecting(let head, let parts, _):
                let source = NetworkBodySource(parts: parts, cancelExchange: cancelExchange)
                phase = .streaming(source)
                return .answer(head, source)
            case .streaming(let source):
                return .failBody(source)
            case .done:
                return .none
            }
        }
        switch step {
        case .reject:
            answer(.failure(describe(error)))
        case .answer(let head, let source):
            source.fail(describe(error))
            answer(.success(Self.response(head, body: .stream(BodyStream(source: source)))))
        case .failBody(let source):
            source.fail(describe(error))
        case .none:
            break
        }
    }

    private static func response(_ head: HTTPResponseHead, body: MessageBody) -> KindlingRuntime.WorkerResponse {
        KindlingRuntime.WorkerResponse(
            status: Int(head.status.code),
            statusText: head.status.reasonPhrase,
            headers: head.headers.map { KindlingRuntime.WorkerRequest.Header($0.name, $0.value) },
            body: body
        )
    }
}
