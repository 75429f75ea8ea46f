import Foundation
import Kindling
import Logging

/// Issue 4's figures: in-process `dispatchFetch` of a hello-world worker, the counter example's
/// request (three service-binding calls and four KV operations), start-up of the two-worker
/// example to its first answer, and HTTP under wrk against the bare SwiftNIO baseline measured in
/// the same run: the `kindling` binary's `dev` command in its own process (the issue's figure), and
/// the same worker served in process with the log off (what the library alone costs).
enum DispatchBenchmarks {
    static let hello = "export default { fetch() { return new Response('Hello, world!'); } };"

    /// Warnings only: a log line per request would measure the terminal.
    static let quiet: Logger = {
        var logger = Logger(label: "kindling.bench")
        logger.logLevel = .warning
        return logger
    }()

    static func run(bareHTTP: HTTPBenchmarks.Measurement?) async throws {
        print("# dispatcher (issue 4)")
        if wantsFigure("hello") { try await helloWorld() }
        if wantsFigure("counter") { try await counter() }
        if wantsFigure("startup") { try await startup() }
        if wantsFigure("http"), let bareHTTP { try await http(against: bareHTTP) }
    }

    /// Sequential round trips from one task: Swift → isolate thread → JS `fetch` → Swift.
    static func helloWorld() async throws {
        let kindling = try await Kindling(KindlingOptions(workers: [WorkerOptions(name: "hello", script: hello, modules: true)]), logger: quiet)
        let (rate, cpu) = try await requestMeasurement(count: requests(20_000)) {
            _ = try await kindling.dispatchFetch("http://localhost/").bytes()
        }
        print(String(format: "dispatchFetch hello world: %.0f req/s, one at a time, %.1f µs CPU/request (target >= 50000)", rate, cpu))
        let concurrent = try await requestRate(count: requests(20_000), concurrency: 32) {
            _ = try await kindling.dispatchFetch("http://localhost/").bytes()
        }
        await kindling.dispose()
        print(String(format: "dispatchFetch hello world: %.0f req/s, 32 in flight", concurrent))
    }

    /// The counter example's request: 3 service-binding fetches and 4 KV operations each.
    static func counter() async throws {
        let kindling = try await Kindling(counterOptions(persistence: .temporary), logger: quiet)
        let request: @Sendable () async throws -> Void = { _ = try await kindling.dispatchFetch("http://localhost/").bytes() }
        let cold = try await requestMeasurement(count: requests(5_000), request)
        // JavaScriptCore's optimizing compilers work on this request's code for about a second and a half after
        // start-up, on a thread of their own that takes one of the two cores: a `kindling dev` that has served for
        // a few seconds runs the compiled code. The figure is that steady state; the cold one is printed beside it.
        // Three runs back to back, the median reported with the range: one run is half a second, and this machine's
        // neighbours make a single half second swing by a third.
        var warm = [try await requestMeasurement(count: requests(5_000), warmUp: .seconds(2), request)]
        for _ in 0..<2 { warm.append(try await requestMeasurement(count: requests(5_000), request)) }
        await kindling.dispose()
        warm.sort { $0.rate < $1.rate }
        print(String(
            format: "counter example request: %.0f req/s, %.1f µs CPU/request once warm (median of 3 runs of %d: %.0f–%.0f) (target >= 10000)",
            warm[1].rate, warm[1].cpu, requests(5_000), warm[0].rate, warm[2].rate))
        print(String(format: "  the first %d requests of a fresh instance: %.0f req/s, %.1f µs CPU/request", requests(5_000), cold.rate, cold.cpu))
        // Skipped under a profiler (KINDLING_BENCH_BASELINES=0), so the profile holds the request only.
        guard ProcessInfo.processInfo.environment["KINDLING_BENCH_BASELINES"] != "0" else { return }
        print(String(format: "  its KV work alone in raw SQLite (4 reads, 3 durable writes): %.0f req/s", try rawCounterKV()))
    }

    /// The ceiling the store puts on the counter request: its reads and writes (each write its own
    /// transaction, as every acknowledged put must be) straight through SQLite's C API.
    static func rawCounterKV() throws -> Double {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let raw = RawSQLite(path: directory.appendingPathComponent("raw.sqlite").path)
        raw.overwrite("count", Array("0".utf8))
        let count = requests(5_000)
        let start = ContinuousClock.now
        for _ in 0..<count {
            for _ in 0..<3 {
                let value = Int(String(decoding: raw.get("count") ?? [], as: UTF8.self)) ?? 0
                raw.overwrite("count", Array(String(value + 1).utf8))
            }
            _ = raw.get("count")
        }
        return Double(count) / (ContinuousClock.now - start).seconds
    }

    /// From nothing to the first answered request, two workers (esbuild included: it runs for
    /// each start, as `kindling dev` does). Best of 10.
    static func startup() async throws {
        var best = Duration.seconds(3600)
        for _ in 0..<10 {
            let start = ContinuousClock.now
            let kindling = try await Kindling(counterOptions(persistence: .temporary), logger: quiet)
            _ = try await kindling.dispatchFetch("http://localhost/").bytes()
            best = min(best, ContinuousClock.now - start)
            await kindling.dispose()
        }
        print(String(format: "start-up of the two-worker example to its first answer: %.1f ms (target < 100)", best.seconds * 1000))
    }

    /// wrk against a Kindling instance serving a hello-world worker over HTTP.
    static func http(against bare: HTTPBenchmarks.Measurement) async throws {
        guard let wrk = HTTPBenchmarks.findExecutable("wrk") else { return }
        let duration = ProcessInfo.processInfo.environment["KINDLING_BENCH_WRK_DURATION"] ?? "10s"
        let kindling = try await Kindling(KindlingOptions(
            port: 0, workers: [WorkerOptions(name: "hello", script: hello, modules: true)]), logger: quiet)
        let port = Int(kindling.url?.split(separator: ":").last ?? "") ?? 0
        let ours = try HTTPBenchmarks.measure(wrk: wrk, port: port, duration: duration)
        await kindling.dispose()
        print(HTTPBenchmarks.line("kindling hello-world worker", ours))
        print(String(format: "kindling worker / bare SwiftNIO: %.1f %% of the rate (in process, log off)", ours.rate / bare.rate * 100))
        try await httpDev(wrk: wrk, duration: duration)
    }

    /// wrk against the `kindling` binary's `dev` command in a process of its own, as a user runs it, logging a
    /// line per request (to /dev/null). The binary is looked for beside this one (`make bench` builds both).
    static func httpDev(wrk: String, duration: String) async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("kindling").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("kindling dev: no kindling binary beside KindlingBenchmarks (swift build -c release --product kindling)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-dev-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try hello.write(to: directory.appendingPathComponent("index.js"), atomically: true, encoding: .utf8)
        try "name = \"hello\"\nmain = \"index.js\"\n".write(
            to: directory.appendingPathComponent("wrangler.toml"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["dev", "-c", directory.appendingPathComponent("wrangler.toml").path, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // "Ready on http://127.0.0.1:PORT (workers: hello)" names the port it bound.
        var printed = ""
        while !printed.contains("Ready on") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw HTTPBenchmarks.BenchmarkFailure(message: "kindling dev did not start: \(printed)") }
            printed += String(decoding: data, as: UTF8.self)
        }
        guard let url = printed.split(separator: " ").first(where: { $0.hasPrefix("http://") }),
            let port = Int(url.split(separator: ":").last ?? "")
        else { throw HTTPBenchmarks.BenchmarkFailure(message: "no URL in kindling dev's output: \(printed)") }
        let pid = process.processIdentifier
        // The bare server measured minutes earlier is a poor yardstick on a machine whose speed drifts: it is
        // measured again right before each of three kindling dev runs, and the figure is the pairs' total ratio.
        // One pair's ratio swings by ten points and more from the next on these machines, so each is printed.
        var bareTotal = 0.0
        var oursTotal = 0.0
        // CPU per request is steadier than the rate when the machine's other load changes between runs.
        var bareCPU = Duration.zero
        var oursCPU = Duration.zero
        var pairRatios: [String] = []
        for _ in 0..<Self.httpDevPairs {
            let baseline = try await HTTPBenchmarks.measureBare(wrk: wrk, duration: duration)
            let ours = try HTTPBenchmarks.measure(wrk: wrk, port: port, duration: duration) { CPUTime.ofProcess(pid) }
            print(HTTPBenchmarks.line("bare SwiftNIO hello world", baseline))
            print(HTTPBenchmarks.line("kindling dev hello-world worker", ours))
            bareTotal += baseline.rate
            oursTotal += ours.rate
            bareCPU += baseline.cpuPerRequest
            oursCPU += ours.cpuPerRequest
            pairRatios.append(String(format: "%.1f", baseline.rate > 0 ? ours.rate / baseline.rate * 100 : 0))
        }
        print(
            String(
                format: "kindling dev / bare SwiftNIO: %.1f %% of the rate (%.1f %% by CPU per request), ",
                oursTotal / bareTotal * 100, bareCPU / oursCPU * 100)
                + "measured by turns in \(Self.httpDevPairs) pairs: \(pairRatios.joined(separator: ", ")) % (target >= 80 %)")
    }

    /// How many times `kindling dev` and the bare server are measured by turns.
    static let httpDevPairs = 3

    static func counterOptions(persistence: KindlingOptions.Persistence) -> KindlingOptions {
        KindlingOptions(
            persistence: persistence,
            workers: [
                WorkerOptions(
                    name: "worker",
                    script: """
                        export default {
                          async fetch(request, env) {
                            const message = await (await env.CUSTOM.fetch("http://custom/")).text();
                            for (let i = 0; i < 3; i++) await env.INCREMENTER.fetch("http://incrementer/");
                            return new Response(message + await env.COUNTS.get("count"));
                          },
                        };
                        """,
                    modules: true,
                    kvNamespaces: ["COUNTS": "counts"],
                    serviceBindings: ["INCREMENTER": .worker("incrementer"), "CUSTOM": .handler { _ in WorkerResponse("The count is ") }]
                ),
                WorkerOptions(
                    name: "incrementer",
                    script: """
                        addEventListener("fetch", (event) => event.respondWith(handle()));
                        async function handle() {
                          const count = parseInt((await NUMBERS.get("count")) ?? "0") + 1;
                          await NUMBERS.put("count", count.toString());
                          return new Response(count.toString());
                        }
                        """,
                    kvNamespaces: ["NUMBERS": "counts"]
                ),
            ]
        )
    }

    /// `count`, or the figure in `KINDLING_BENCH_REQUESTS` (fewer requests under a profiler).
    static func requests(_ count: Int) -> Int {
        ProcessInfo.processInfo.environment["KINDLING_BENCH_REQUESTS"].flatMap { Int($0) } ?? count
    }

    /// Requests per second for `count` calls of `body`, `concurrency` at a time (after a warm-up).
    static func requestRate(count: Int, concurrency: Int = 1, _ body: @escaping @Sendable () async throws -> Void)
        async throws -> Double
    {
        try await requestMeasurement(count: count, concurrency: concurrency, body).rate
    }

    /// The request rate, and the process's CPU time per request in µs (every thread: JavaScriptCore's JIT and GC
    /// included), which a loaded machine moves far less than the rate.
    /// - Parameter warmUp: How long to run `body` before measuring, beyond the usual tenth of `count` calls.
    static func requestMeasurement(
        count: Int, concurrency: Int = 1, warmUp: Duration = .zero, _ body: @escaping @Sendable () async throws -> Void
    ) async throws -> (rate: Double, cpu: Double) {
        for _ in 0..<min(count / 10, 1000) { try await body() }
        let warmUntil = ContinuousClock.now + warmUp
        while ContinuousClock.now < warmUntil { try await body() }
        let start = ContinuousClock.now
        let cpuStart = CPUTime.ofThisProcess()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    for _ in stride(from: lane, to: count, by: concurrency) { try await body() }
                }
            }
            try await group.waitForAll()
        }
        let cpu = (CPUTime.ofThisProcess() - cpuStart).seconds * 1e6 / Double(count)
        return (Double(count) / (ContinuousClock.now - start).seconds, cpu)
    }
}
