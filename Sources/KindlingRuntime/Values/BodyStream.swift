import Synchronization

/// A body as a stream of byte chunks, read by one consumer one chunk at a time.
///
/// Reading pulls: the source produces the next chunk only when the consumer asks for it, so a slow consumer (a
/// slow client, a worker that reads its request body lazily) slows the producer down instead of filling memory.
/// The consumer may stop early with ``cancel()``; the source then stops producing (a worker's stream sees its
/// `cancel` callback). A stream dropped before its end is cancelled the same way.
///
/// A stream crosses threads and isolates as it is: a worker's `new Response(stream)` becomes a `BodyStream` whose
/// reads run `reader.read()` on that worker's thread, and a `BodyStream` handed to a worker becomes a
/// `ReadableStream` whose `pull` reads from it.
///
/// ```swift
/// let stream = BodyStream(chunks: someAsyncSequenceOfByteArrays)
/// for try await chunk in stream { total += chunk.count }
/// ```
public final class BodyStream: Sendable, AsyncSequence {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    private enum State {
        case idle
        case reading
        case finished
        case cancelled
    }

    private let source: any BodyStreamSource
    private let state = Mutex(State.idle)

    /// A stream over `source`; the stream calls the source's `read` one call at a time and `cancel` at most once.
    public init(source: any BodyStreamSource) {
        self.source = source
    }

    /// A stream over an async sequence of chunks (an `AsyncThrowingStream`, an HTTP request body mapped to bytes).
    /// - Parameter onCancel: called if the consumer cancels before the end.
    public convenience init<Chunks: AsyncSequence & Sendable>(
        chunks: Chunks, onCancel: (@Sendable () -> Void)? = nil
    ) where Chunks.Element == [UInt8] {
        self.init(source: SequenceSource(chunks, onCancel: onCancel))
    }

    /// Reads the next chunk: `nil` at the end. Empty chunks are skipped.
    ///
    /// `completion` may run on any thread, possibly before `read` returns. Reading again before it ran, or after
    /// the end, an error or ``cancel()``, completes with `nil` (after a cancel) or an error.
    public func read(_ completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        let start = state.withLock { state -> Result<[UInt8]?, any Error>? in
            switch state {
            case .idle:
                state = .reading
                return nil
            case .reading: return .failure(BodyStreamError.concurrentRead)
            case .finished, .cancelled: return .success(nil)
            }
        }
        if let start {
            completion(start)
            return
        }
        readSkippingEmpty(completion)
    }

    private func readSkippingEmpty(_ completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        source.read { [self] result in
            if case .success(let chunk?) = result, chunk.isEmpty {
                readSkippingEmpty(completion)
                return
            }
            let deliver = state.withLock { state -> Bool in
                guard state == .reading else { return false }
                switch result {
                case .success(.some): state = .idle
                case .success(nil), .failure: state = .finished
                }
                return true
            }
            completion(deliver ? result : .success(nil))
        }
    }

    /// The next chunk, or `nil` at the end.
    /// - Throws: the source's error (a worker's stream that errored, a client that went away).
    public func next() async throws -> [UInt8]? {
        try await withCheckedThrowingContinuation { continuation in
            read { continuation.resume(with: $0) }
        }
    }

    /// Stops reading: the source is told once, and later reads give `nil`. Does nothing after the end.
    public func cancel() {
        let cancel = state.withLock { state -> Bool in
            guard state == .idle || state == .reading else { return false }
            state = .cancelled
            return true
        }
        if cancel { source.cancel() }
    }

    /// Every remaining chunk, joined.
    public func collect() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let chunk = try await next() { bytes += chunk }
        return bytes
    }

    deinit {
        // A stream nobody finished reading: let the producer stop (and release what it holds).
        let unfinished = state.withLock { $0 == .idle || $0 == .reading }
        if unfinished { source.cancel() }
    }

    /// Reads the stream's chunks in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let stream: BodyStream

        public mutating func next() async throws -> [UInt8]? {
            try await stream.next()
        }
    }

    /// An iterator over the chunks; the stream has one position, so every iterator continues from it.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }
}

/// Where a ``BodyStream``'s chunks come from.
///
/// The stream serialises calls: `read` is not called again before its completion ran, and `cancel` is called at
/// most once (possibly while a read is in progress; the source then completes that read, with `nil` or an error).
public protocol BodyStreamSource: Sendable {
    /// Produces the next chunk (`nil` at the end) and calls `completion` once, on any thread.
    func read(_ completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void)
    /// The consumer stopped reading before the end.
    func cancel()
}

/// Misuse of a ``BodyStream``.
public struct BodyStreamError: Error, Sendable, CustomStringConvertible {
    public let description: String

    static let concurrentRead = BodyStreamError(
        description: "A body stream was read again before its previous read completed.")
}

/// A source over an async sequence: each read awaits the sequence's next element in a task.
private final class SequenceSource<Chunks: AsyncSequence & Sendable>: BodyStreamSource, @unchecked Sendable
where Chunks.Element == [UInt8] {
    // Safety: `iterator` is only touched by `read`, and BodyStream never overlaps two reads (each starts after the
    // previous completion ran, which happens-after the task that used the iterator).
    private var iterator: Chunks.AsyncIterator
    private let onCancel: (@Sendable () -> Void)?
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ chunks: Chunks, onCancel: (@Sendable () -> Void)?) {
        self.iterator = chunks.makeAsyncIterator()
        self.onCancel = onCancel
    }

    func read(_ completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        let reading = Task { [self] in
            do {
                completion(.success(try await iterator.next()))
            } catch {
                completion(.failure(error))
            }
        }
        task.withLock { $0 = reading }
    }

    func cancel() {
        task.withLock { $0 }?.cancel()
        onCancel?()
    }
}

extension BodyStream: Hashable {
    /// Streams are equal when they are the same stream.
    public static func == (lhs: BodyStream, rhs: BodyStream) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
