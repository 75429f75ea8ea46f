import Foundation
import HTTPTypes
import KindlingFetch
import KindlingHTTP
import KindlingRuntime
import NIOCore

/// Issue 5's `fetch` figure: round trips from a worker's global `fetch()` to a hello-world KindlingHTTP server on
/// 127.0.0.1 in the same process, one at a time and 32 in flight; and, as the baseline, the same exchanges sent by
/// the worker's ``NetworkFetcher`` from Swift (no JavaScript), so the ratio is what the runtime adds. Then a
/// streamed download: a 100 MiB body fetched by a worker and read chunk by chunk, with the peak resident growth.
/// Figures: `roundtrips`, `download` (`make bench ONLY="fetch download"`).
enum FetchBenchmarks {
    static let downloadMebibytes = 100

    static func run() async throws {
        print("# fetch (issue 5)")
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), responder: Origin())
        let port = try await server.start().port ?? 0
        let url = "http://127.0.0.1:\(port)/"
        let count = DispatchBenchmarks.requests(5_000)

        let network = NetworkFetcher()
        let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "bench", outbound: network))
        try await isolate.setGlobal("TARGET", to: .value(.string(url)))
        if wantsFigure("roundtrips") {
            let raw = try await DispatchBenchmarks.requestRate(count: count) {
                _ = try await send(WorkerRequest(url: url), through: network)
            }
            let sequential = try await jsRate(isolate, count: count, lanes: 1)
            let concurrent = try await jsRate(isolate, count: count, lanes: 32)
            print(String(format: "fetch() round trips from a worker to a local server: %.0f/s one at a time (target >= 5000)", sequential))
            print(String(format: "fetch() round trips, 32 in flight: %.0f/s", concurrent))
            print(String(format: "the same exchanges from Swift through NetworkFetcher: %.0f/s (fetch() at %.0f %% of it)", raw, sequential / raw * 100))
        }
        if wantsFigure("download") {
            let (download, growth) = try await downloadRate(isolate)
            print(
                String(
                    format: "fetch() of a %d MiB body read chunk by chunk by a worker: %.0f MiB/s, peak RSS +%.1f MiB",
                    downloadMebibytes, download, Double(growth) / 1_048_576))
        }
        await isolate.shutdown()
        await network.shutdown()
        await server.shutdown()
    }

    /// MiB/s of `/big` fetched and read to the end by JS (best of 3), and the peak resident growth meanwhile.
    private static func downloadRate(_ isolate: WorkerIsolate) async throws -> (Double, Int) {
        _ = try await isolate.evaluate(
            """
            globalThis.download = async () => {
              let received = 0;
              for await (const chunk of (await fetch(TARGET + "big")).body) received += chunk.length;
              return received;
            };
            """)
        Memory.resetPeak()
        let before = Memory.resident()
        var best = 0.0
        for _ in 0..<3 {
            let start = ContinuousClock.now
            let received = try await isolate.evaluate("download()")
            guard received == String(downloadMebibytes << 20) else {
                throw HTTPBenchmarks.BenchmarkFailure(message: "received \(received) bytes of \(downloadMebibytes) MiB")
            }
            best = max(best, Double(downloadMebibytes) / (ContinuousClock.now - start).seconds)
        }
        return (best, Memory.peak() - before)
    }

    /// The hello-world server of the round trips, and `/big`: ``downloadMebibytes`` MiB in 256 KiB chunks written
    /// as the client takes them (one buffer, shared by every chunk).
    private struct Origin: HTTPResponder {
        static let chunk = ByteBuffer(repeating: 0x6b, count: 256 << 10)

        func respond(
            to request: HTTPRequest, body: HTTPRequestBody, context: HTTPRequestContext, writer: HTTPResponseWriter
        ) async throws {
            guard request.path == "/big" else {
                try await HTTPBenchmarkHelloResponder().respond(to: request, body: body, context: context, writer: writer)
                return
            }
            let total = downloadMebibytes << 20
            let stream = try await writer.writeHead(
                HTTPResponse(status: .ok, headerFields: [.contentLength: String(total)]))
            for _ in 0..<total / Self.chunk.readableBytes { try await stream.write(Self.chunk) }
            try await stream.finish()
        }
    }

    /// Round trips per second of `count` `fetch()`es made by JS in `lanes` concurrent loops (best of 3, after a
    /// warm-up), each reading its body.
    private static func jsRate(_ isolate: WorkerIsolate, count: Int, lanes: Int) async throws -> Double {
        _ = try await isolate.evaluate(
            """
            globalThis.fetchLanes = (lanes, n) => Promise.all(Array.from({ length: lanes }, async () => {
              for (let i = 0; i < n; i++) await (await fetch(TARGET)).arrayBuffer();
            }));
            """)
        let perLane = max(1, count / lanes)
        _ = try await isolate.evaluate("fetchLanes(\(lanes), 10)")
        var best = 0.0
        for _ in 0..<3 {
            let start = ContinuousClock.now
            _ = try await isolate.evaluate("fetchLanes(\(lanes), \(perLane))")
            best = max(best, Double(perLane * lanes) / (ContinuousClock.now - start).seconds)
        }
        return best
    }

    private static func send(_ request: WorkerRequest, through network: NetworkFetcher) async throws -> WorkerResponse {
        try await withCheckedThrowingContinuation { continuation in
            _ = network.send(request) { continuation.resume(with: $0) }
        }
    }
}
