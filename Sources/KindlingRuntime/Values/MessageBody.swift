/// The body of a ``WorkerRequest`` or ``WorkerResponse``: bytes in hand, or a stream of chunks.
///
/// A body the worker made from a string or bytes (or a stream of ours it never touched) crosses as ``bytes(_:)``
/// with no stream machinery; only a real stream (a `ReadableStream` the worker built, an upload still arriving)
/// crosses as ``stream(_:)``.
public enum MessageBody: Sendable {
    /// The whole body.
    case bytes([UInt8])
    /// A body read chunk by chunk.
    case stream(BodyStream)

    /// The empty body.
    public static var empty: MessageBody { .bytes([]) }

    /// The bytes, when the body is in hand.
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = self { return bytes }
        return nil
    }

    /// Every byte, read to the end.
    /// - Throws: the stream's error.
    public func collect() async throws -> [UInt8] {
        switch self {
        case .bytes(let bytes): return bytes
        case .stream(let stream): return try await stream.collect()
        }
    }
}

extension MessageBody: Equatable {
    /// Bytes compare by value, streams by identity.
    public static func == (lhs: MessageBody, rhs: MessageBody) -> Bool {
        switch (lhs, rhs) {
        case (.bytes(let a), .bytes(let b)): a == b
        case (.stream(let a), .stream(let b)): a === b
        default: false
        }
    }
}
