import AsyncHTTPClient
public import KindlingRuntime
import NIOCore
import NIOHTTP1
import Synchronization

/// A worker's global `fetch()` to the network: an ``OutboundFetcher`` over one AsyncHTTPClient `HTTPClient`
/// (HTTP/1.1, and HTTPS through NIOSSL with the system's trust roots).
///
/// One fetcher serves every worker of a Kindling instance, so they share its connection pool; the client is made
/// on the first `fetch()` (an instance that never fetches pays nothing) and closed by ``shutdown()``. Redirects,
/// aborts and the scheme check are the runtime's (`1c-fetch.js`); this type sends one exchange as asked, with the
/// method, headers and body the worker gave, and answers with the response as it came, 3xx included. Bodies stream
/// both ways: a streamed request body is sent as the worker's stream gives it, and the answer comes when the
/// response head arrives, its body a stream read from the socket as the worker reads it (``ResponseStreamer``).
///
/// ```swift
/// let network = NetworkFetcher()
/// let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "api", outbound: network))
/// // … JS: await fetch("https://example.com/")
/// await isolate.shutdown()
/// await network.shutdown()
/// ```
public final class NetworkFetcher: OutboundFetcher {
    private enum State {
        case idle
        case running(HTTPClient)
        case shutDown
    }

    private let state = Mutex(State.idle)

    /// Creates a fetcher; its HTTP client is made on first use.
    public init() {}

    /// Sends `request` to the network and reports the response, or a `TypeError` naming what failed.
    public func send(
        _ request: KindlingRuntime.WorkerRequest,
        completion: @escaping @Sendable (Result<KindlingRuntime.WorkerResponse, any Error>) -> Void
    ) -> @Sendable () -> Void {
        guard let client = self.client() else {
            completion(.failure(NetworkError.disposed))
            return {}
        }
        let outgoing: HTTPClient.Request
        do {
            outgoing = try HTTPClient.Request(
                url: request.url,
                method: HTTPMethod(rawValue: request.method),
                headers: HTTPHeaders(request.headers.map { ($0.name, $0.value) }),
                body: request.body.map { Self.outgoingBody($0, headers: request.headers) }
            )
        } catch {
            completion(.failure(NetworkError.cannotLoad(request.url)))
            return {}
        }
        let streamer = ResponseStreamer(describe: { NetworkError.describe($0, for: outgoing) }, answer: completion)
        streamer.attach(client.execute(request: outgoing, delegate: streamer))
        return streamer.cancelExchange
    }

    /// A request body for AsyncHTTPClient: a stream is read chunk by chunk as the connection takes them, sent with
    /// the Content-Length the worker set (AsyncHTTPClient fails the exchange if the stream's length differs) or else
    /// chunked.
    private static func outgoingBody(_ body: MessageBody, headers: [KindlingRuntime.WorkerRequest.Header])
        -> HTTPClient.Body
    {
        switch body {
        case .bytes(let bytes):
            return .bytes(bytes)
        case .stream(let stream):
            let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int64($0.value) }
            return .stream(contentLength: length) { writer in
                let done = HTTPClient.defaultEventLoopGroup.any().makePromise(of: Void.self)
                @Sendable func pump() {
                    stream.read { result in
                        switch result {
                        case .success(let chunk?):
                            writer.write(.byteBuffer(ByteBuffer(bytes: chunk))).whenComplete { written in
                                if case .failure(let error) = written {
                                    stream.cancel()
                                    done.fail(error)
                                } else {
                                    pump()
                                }
                            }
                        case .success(nil): done.succeed()
                        case .failure(let error): done.fail(error)
                        }
                    }
                }
                pump()
                return done.futureResult
            }
        }
    }

    /// Closes the HTTP client: connections in the pool, and exchanges still in flight (they fail). Later `fetch()`
    /// calls reject with a `TypeError`. Safe to call twice.
    public func shutdown() async {
        let client: HTTPClient? = state.withLock { state in
            defer { state = .shutDown }
            if case .running(let client) = state { return client }
            return nil
        }
        try? await client?.shutdown()
    }

    /// The client, made on first use; nil once shut down.
    private func client() -> HTTPClient? {
        state.withLock { state in
            switch state {
            case .running(let client):
                return client
            case .shutDown:
                return nil
            case .idle:
                let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: Self.configuration)
                state = .running(client)
                return client
            }
        }
    }

    /// Redirects are the runtime's to follow; bodies arrive as sent (Content-Encoding and all). A connection that
    /// cannot be made fails the fetch at once (AsyncHTTPClient would otherwise retry until the connect timeout).
    private static var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled)
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(30))
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}
