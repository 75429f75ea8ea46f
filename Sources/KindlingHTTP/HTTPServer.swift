#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import NIOCore
import NIOHTTP1
public import NIOPosix

/// An HTTP/1.1 server on SwiftNIO that hands every request to an ``HTTPResponder``.
///
/// Keep-alive, pipelining (answered in order), streamed request and response bodies, `Expect: 100-continue`,
/// `HEAD`, size limits and graceful shutdown are handled here; the responder sees `HTTPRequest`/`HTTPResponse`
/// from swift-http-types and never a NIO pipeline.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: dispatcher)
/// let address = try await server.start()
/// print("Ready on http://127.0.0.1:\(address.port!)")
/// // …
/// await server.shutdown()   // stops accepting, lets in-flight requests finish, then closes
/// ```
///
/// Each connection runs as one child task of a discarding task group; with
/// ``HTTPServerConfiguration/respondsOnEventLoop`` that task runs on the connection's event loop. Connections use
/// a small bridge handler of ours instead of `NIOAsyncChannel` (which STYLE.md suggests): the generic
/// `NIOAsyncChannel` machinery cost about a third of a hello world's CPU time, against the 80 % target.
public actor HTTPServer {
    private enum State {
        case idle
        case starting
        case running(serverChannel: any Channel, acceptLoop: Task<Void, Never>, address: SocketAddress)
        case shuttingDown(Task<Void, Never>)
        case stopped
    }

    private let configuration: HTTPServerConfiguration
    private let responder: any HTTPResponder
    private let group: any EventLoopGroup
    private let connections = ConnectionRegistry()
    private var state = State.idle

    /// Creates a server; nothing is bound until ``start()``.
    /// - Parameters:
    ///   - configuration: Host, port, limits and shutdown grace period.
    ///   - responder: Answers every request.
    ///   - eventLoopGroup: The loops to run on; NIO's shared singleton group by default.
    public init(
        configuration: HTTPServerConfiguration,
        responder: some HTTPResponder,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.responder = responder
        self.group = eventLoopGroup
    }

    /// The event loops that serve the connections (each connection stays on one), for work that should run where
    /// requests arrive: Kindling runs each worker's JavaScript on one of them.
    public nonisolated var eventLoops: [any EventLoop] {
        Array(self.group.makeIterator())
    }

    /// The address the server listens on, once started (with the real port when the configuration said `0`).
    public var localAddress: SocketAddress? {
        if case .running(_, _, let address) = self.state { return address }
        return nil
    }

    /// Binds and starts accepting connections in the background.
    /// - Returns: The bound address; `port` is the one the kernel picked if the configuration said `0`.
    /// - Throws: ``HTTPServerError`` `.addressInUse` if the port is taken (the message suggests `--port`),
    ///   `.bindFailed` for other bind errors, `.invalidState` if the server was started before.
    @discardableResult
    public func start() async throws -> SocketAddress {
        guard case .idle = self.state else {
            throw HTTPServerError(code: .invalidState, message: "The HTTP server was already started; make a new one.")
        }
        self.state = .starting
        let configuration = self.configuration
        let responder = self.responder
        let serverChannel: NIOAsyncChannel<HTTPConnection, Never>
        do {
            serverChannel = try await ServerBootstrap(group: self.group)
                .serverChannelOption(.backlog, value: configuration.backlog)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelOption(.allowRemoteHalfClosure, value: true)  // answer `printf … | nc` clients too
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPServerHandlers()
                        if let idle = configuration.idleTimeout {
                            let (seconds, attoseconds) = idle.components
                            let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
                            try channel.pipeline.syncOperations.addHandler(
                                IdleStateHandler(readTimeout: .nanoseconds(nanoseconds))
                            )
                        }
                        let bridge = HTTPChannelBridge(channel: channel)
                        try channel.pipeline.syncOperations.addHandler(bridge)
                        // Made here, before the first read, so that the callback path takes the first request too.
                        let connection = HTTPConnection(bridge: bridge, configuration: configuration)
                        if let responder = responder as? any HTTPCallbackResponder, configuration.respondsOnEventLoop {
                            connection.offerRequests(to: responder)
                        }
                        return connection
                    }
                }
        } catch {
            if case .starting = self.state { self.state = .idle }
            throw Self.bindError(error, host: configuration.host, port: configuration.port)
        }
        guard case .starting = self.state else {
            // shutdown() ran while the socket was being bound: honour it.
            try? await serverChannel.channel.close()
            throw HTTPServerError(code: .invalidState, message: "The HTTP server was shut down while starting.")
        }
        guard let address = serverChannel.channel.localAddress else {
            self.state = .idle
            try? await serverChannel.channel.close()
            throw HTTPServerError(
                code: .bindFailed,
                message: "The listening socket on \(configuration.host):\(configuration.port) has no address."
            )
        }
        let acceptLoop = Task { [responder, connections] in
            await Self.acceptConnections(
                serverChannel,
                responder: responder,
                connections: connections,
                configuration: configuration
            )
        }
        self.state = .running(serverChannel: serverChannel.channel, acceptLoop: acceptLoop, address: address)
        return address
    }

    /// Stops accepting, lets in-flight requests finish, then closes every connection.
    ///
    /// Idle keep-alive connections close at once. A request in progress finishes (its response says
    /// `Connection: close` if its head was not yet written), up to ``HTTPServerConfiguration/shutdownGracePeriod``;
    /// after that its connection is closed and its responder cancelled. Safe to call more than once and
    /// concurrently; every call returns once the server has stopped.
    public func shutdown() async {
        switch self.state {
        case .idle, .starting:
            self.state = .stopped
        case .stopped:
            return
        case .shuttingDown(let task):
            await task.value
        case .running(let serverChannel, let acceptLoop, _):
            let connections = self.connections
            let gracePeriod = self.configuration.shutdownGracePeriod
            let task = Task {
                try? await serverChannel.close()
                connections.quiesceAll()
                let deadline = Task {
                    try? await Task.sleep(for: gracePeriod)
                    if Task.isCancelled { return }
                    connections.closeAll()
                    acceptLoop.cancel()
                }
                await acceptLoop.value
                deadline.cancel()
            }
            self.state = .shuttingDown(task)
            await task.value
            self.state = .stopped
        }
    }

    /// Starts the server if needed and waits until it has shut down; cancelling the caller shuts it down.
    ///
    /// For a command that serves until SIGINT: run this in a task and cancel it (or call ``shutdown()``).
    /// - Throws: As ``start()``.
    public func run() async throws {
        if case .idle = self.state { try await self.start() }
        let acceptLoop: Task<Void, Never>
        switch self.state {
        case .running(_, let loop, _): acceptLoop = loop
        case .shuttingDown(let task): acceptLoop = task
        default: return
        }
        await withTaskCancellationHandler {
            await acceptLoop.value
        } onCancel: {
            Task { await self.shutdown() }
        }
        await self.shutdown()
    }

    private static func acceptConnections(
        _ serverChannel: NIOAsyncChannel<HTTPConnection, Never>,
        responder: any HTTPResponder,
        connections: ConnectionRegistry,
        configuration: HTTPServerConfiguration
    ) async {
        try? await serverChannel.executeThenClose { inbound in
            await withDiscardingTaskGroup { group in
                do {
                    for try await connection in inbound {
                        let executor =
                            configuration.respondsOnEventLoop
                            ? EventLoopTaskExecutor(connection.channel.eventLoop) : nil
                        group.addTask(executorPreference: executor) {
                            await Self.serve(
                                connection,
                                responder: responder,
                                connections: connections,
                                configuration: configuration
                            )
                        }
                    }
                } catch {
                    // The listening socket failed or was closed: stop accepting; the group waits for connections.
                }
            }
        }
    }

    private static func serve(
        _ connection: HTTPConnection,
        responder: any HTTPResponder,
        connections: ConnectionRegistry,
        configuration: HTTPServerConfiguration
    ) async {
        connections.register(connection)
        await connection.serve(responder: responder)
        connections.remove(connection)
        try? await connection.channel.close()
    }

    private static func bindError(_ error: any Error, host: String, port: Int) -> HTTPServerError {
        if let ioError = error as? IOError, ioError.errnoCode == EADDRINUSE {
            return .addressInUse(host: host, port: port, cause: error)
        }
        return .bindFailed(host: host, port: port, cause: error)
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// NIO's HTTP/1 server handlers as `configureHTTPServerPipeline` adds them with no pipelining assistance, no
    /// outbound header validation (header lines are checked when converted) and framing headers left to us, except
    /// that the request decoder is not paired with the response encoder: paired, the encoder keeps each request's
    /// method to drop the body of a `HEAD` response, and whole responses that ``HTTPConnection`` writes as bytes,
    /// past the encoder, would leave that record out of step. Our framing already sends no body for `HEAD`.
    func addHTTPServerHandlers() throws {
        var encoder = HTTPResponseEncoder.Configuration()
        encoder.automaticallySetFramingHeaders = false
        try self.addHandlers([
            HTTPResponseEncoder(configuration: encoder),
            ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)),
            HTTPServerProtocolErrorHandler(),
        ])
    }
}
