import Foundation
import HTTPTypes
import KindlingHTTP
import NIOCore
import NIOHTTP1
import NIOPosix

/// HTTP hello world under `wrk -t2 -c64 -d10s`: a bare SwiftNIO server and KindlingHTTP, measured in one run.
///
/// Target (DESIGN.md): KindlingHTTP ≥ 80 % of the bare server's requests per second. `wrk` comes from Debian's
/// `wrk` package; without it the benchmark says so and measures nothing. `KINDLING_BENCH_WRK_DURATION` (say
/// `3s`) shortens the runs for a quick look.
enum HTTPBenchmarks {
    /// - Returns: the bare server's measurement, the baseline for `kindling dev` (DispatchBenchmarks).
    @discardableResult
    static func run() async throws -> Measurement? {
        print("# http (issue 4): hello world under wrk -t2 -c64, bare SwiftNIO vs KindlingHTTP")
        guard let wrk = findExecutable("wrk") else {
            print("http: wrk not found on PATH; install Debian's wrk package (apt-get install wrk) to measure")
            return nil
        }
        let duration = ProcessInfo.processInfo.environment["KINDLING_BENCH_WRK_DURATION"] ?? "10s"

        let baseline = try await measureBare(wrk: wrk, duration: duration)
        print(line("bare SwiftNIO hello world", baseline))

        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: HTTPBenchmarkHelloResponder())
        let port = try await server.start().port ?? 0
        let ours = try measure(wrk: wrk, port: port, duration: duration)
        await server.shutdown()
        print(line("KindlingHTTP hello world", ours))

        let ratio = baseline.rate > 0 ? ours.rate / baseline.rate * 100 : 0
        let cpuRatio = baseline.cpuPerRequest / ours.cpuPerRequest * 100
        print(
            "KindlingHTTP / bare SwiftNIO".padding(toLength: 32, withPad: " ", startingAt: 0)
                + String(format: "%10.1f %% of the rate, %.1f %% by CPU per request   (target ≥ 80 %%)", ratio, cpuRatio)
        )
        return baseline
    }

    /// Starts the bare SwiftNIO hello-world server, measures it under wrk and stops it.
    static func measureBare(wrk: String, duration: String) async throws -> Measurement {
        let bare = try await BareNIOHelloServer.start()
        let measurement = try measure(wrk: wrk, port: bare.port, duration: duration)
        try await bare.stop()
        return measurement
    }

    static func line(_ label: String, _ measurement: Measurement) -> String {
        let microseconds = Double(measurement.cpuPerRequest.components.attoseconds) / 1e12
            + Double(measurement.cpuPerRequest.components.seconds) * 1e6
        return label.padding(toLength: 32, withPad: " ", startingAt: 0)
            + String(format: "%10.0f req/s   %6.2f µs CPU/request", measurement.rate, microseconds)
    }

    /// What one wrk run measured against one server.
    struct Measurement {
        /// wrk's Requests/sec.
        var rate: Double
        /// This process's CPU time (user + system, all threads) per request served: steadier than the rate on a
        /// busy machine, since it does not count time spent waiting for a core.
        var cpuPerRequest: Duration
    }

    /// Runs a short warm-up, then the measured run.
    /// - Parameter cpuTime: the server's CPU time so far; this process's unless the server runs in another.
    static func measure(
        wrk: String, port: Int, duration: String, cpuTime: () -> Duration = CPUTime.ofThisProcess
    ) throws -> Measurement {
        let url = "http://127.0.0.1:\(port)/"
        _ = try runWrk(wrk, ["-t2", "-c64", "-d1s", url])
        let cpuBefore = cpuTime()
        let output = try runWrk(wrk, ["-t2", "-c64", "-d\(duration)", url])
        let cpu = cpuTime() - cpuBefore
        guard let rate = parseRequestsPerSecond(output), let requests = parseRequestCount(output), requests > 0 else {
            throw BenchmarkFailure(message: "could not read the request count from wrk's output:\n\(output)")
        }
        if let errors = output.split(separator: "\n").first(where: { $0.contains("Non-2xx") || $0.contains("errors:") }) {
            print("  wrk reported: \(errors.trimmingCharacters(in: .whitespaces))")
        }
        return Measurement(rate: rate, cpuPerRequest: cpu / requests)
    }

    /// The `N requests in …` count from wrk's summary.
    static func parseRequestCount(_ output: String) -> Int? {
        for line in output.split(separator: "\n") where line.contains(" requests in ") {
            return Int(line.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }

    static func parseRequestsPerSecond(_ output: String) -> Double? {
        for line in output.split(separator: "\n") where line.hasPrefix("Requests/sec:") {
            return Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private static func runWrk(_ wrk: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct BenchmarkFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// KindlingHTTP's side: the fast path, one complete response.
struct HTTPBenchmarkHelloResponder: HTTPResponder {
    func respond(
        to request: HTTPRequest,
        body: HTTPRequestBody,
        context: HTTPRequestContext,
        writer: HTTPResponseWriter
    ) async throws {
        try await writer.write(HTTPResponse(status: .ok, headerFields: [.contentType: "text/plain"]), body: "Hello, world!")
    }
}

/// The baseline: hello world written directly on NIO's channel handlers, as in NIO's own examples.
struct BareNIOHelloServer {
    let channel: any Channel
    var port: Int { self.channel.localAddress?.port ?? 0 }

    static func start() async throws -> BareNIOHelloServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HelloHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return BareNIOHelloServer(channel: channel)
    }

    func stop() async throws {
        try await self.channel.close()
    }

    private final class HelloHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private var keepAlive = true
        private var body: ByteBuffer?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch Self.unwrapInboundIn(data) {
            case .head(let head):
                self.keepAlive = head.isKeepAlive
            case .body:
                break
            case .end:
                let body = self.body ?? context.channel.allocator.buffer(string: "Hello, world!")
                self.body = body
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: "text/plain")
                headers.add(name: "content-length", value: String(body.readableBytes))
                if !self.keepAlive { headers.add(name: "connection", value: "close") }
                context.write(Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
                if self.keepAlive {
                    context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
                } else {
                    let channel = context.channel
                    context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in
                        channel.close(promise: nil)
                    }
                }
            }
        }
    }
}
