import Foundation
import KindlingRuntime

/// Benchmarks of the JavaScript runtime (issue 3, "Speed and memory"); one printed line per figure.
///
/// Targets: isolate + 50 KB bundled worker < 5 ms (esbuild apart); idle isolate < 4 MiB RSS (over 20 isolates);
/// JS→Swift host call returning a resolved promise < 1 µs; Request → module `fetch` → Response text in Swift
/// ≥ 100k round trips/s on one thread.
enum RuntimeBenchmarks {
    static func run() async throws {
        print("# runtime (issue 3)")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        // Memory first: JavaScriptCore reuses freed memory without returning it, which would hide new isolates.
        if wantsFigure("memory") { try await idleMemory() }
        if wantsFigure("startup") {
            // The first isolate of a process makes the process-wide VM and learns the deferred globals: not counted.
            if !wantsFigure("memory") { await warmUp() }
            try await isolateStartup(root: root.path)
        }
        if wantsFigure("first") {
            if !wantsFigure("memory") && !wantsFigure("startup") { await warmUp() }
            try await firstRequest()
        }
        if wantsFigure("calls") { try await hostCalls() }
        if wantsFigure("fetch") { try await fetchRoundTrips(root: root.path) }
    }

    static func warmUp() async {
        guard let isolate = try? await WorkerIsolate(configuration: IsolateConfiguration(name: "warm-up")) else { return }
        await isolate.shutdown()
    }

    /// A module worker of about 50 KB in several files: many small functions, as a real bundle has.
    static func writeLargeWorker(in root: String) throws -> String {
        var index = "import { table } from './table.js';\n"
        for part in 0..<4 {
            var module = ""
            for function in 0..<32 {
                module += """
                    export function handler\(part)_\(function)(request, env) {
                      const url = new URL(request.url);
                      const parts = url.pathname.split("/").filter(Boolean).map((p) => p.toUpperCase());
                      if (parts.length > \(function % 7)) return { kind: "deep", parts, id: \(part * 100 + function) };
                      return { kind: "shallow", id: \(part * 100 + function), query: url.searchParams.get("q") ?? "none" };
                    }

                    """
            }
            try module.write(toFile: "\(root)/part\(part).js", atomically: true, encoding: .utf8)
            index += "import * as part\(part) from './part\(part).js';\n"
        }
        try "export const table = new Map(Object.entries({ a: 1, b: 2 }));\n".write(
            toFile: "\(root)/table.js", atomically: true, encoding: .utf8)
        index += """
            const handlers = [part0, part1, part2, part3].flatMap((p) => Object.values(p));
            export default {
              async fetch(request, env) {
                const result = handlers[table.size](request, env);
                return new Response(JSON.stringify(result));
              }
            };
            """
        let path = "\(root)/index.js"
        try index.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func isolateStartup(root: String) async throws {
        let entry = try writeLargeWorker(in: root)
        let bundler = Bundler()
        var bundle = try await bundler.bundle(.file(entry))
        let bundleRuns = 10
        let bundleStart = ContinuousClock.now
        for _ in 0..<bundleRuns { bundle = try await bundler.bundle(.file(entry)) }
        let bundleTime = (ContinuousClock.now - bundleStart) / bundleRuns
        print("runtime: esbuild bundle of \(bundle.script.utf8.count / 1024) KB worker: \(format(bundleTime)) per bundle")

        let runs = 20
        var creates: [Duration] = []
        var loads: [Duration] = []
        var isolates: [WorkerIsolate] = []
        // CPU time of the whole process (JavaScriptCore's JIT and GC threads included): unlike wall time, it does
        // not grow when other processes crowd the machine.
        let cpuStart = CPUTime.ofThisProcess()
        for index in 0..<runs {
            let start = ContinuousClock.now
            let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "bench-\(index)"))
            let created = ContinuousClock.now
            _ = try await isolate.load(bundle)
            loads.append(ContinuousClock.now - created)
            creates.append(created - start)
            isolates.append(isolate)
        }
        let cpuPerIsolate = (CPUTime.ofThisProcess() - cpuStart) / runs
        let totals = zip(creates, loads).map { $0 + $1 }
        let kilobytes = bundle.script.utf8.count / 1024
        print("runtime: create isolate + load \(kilobytes) KB bundle: \(format(totals.reduce(.zero, +) / runs)) mean, \(format(totals.min() ?? .zero)) min per isolate; \(format(cpuPerIsolate)) process CPU time per isolate (target < 5 ms)")
        print("runtime:   of which creating the isolate (runtime prelude; Web APIs deferred): \(format(creates.reduce(.zero, +) / runs)) mean, \(format(creates.min() ?? .zero)) min; loading the bundle: \(format(loads.reduce(.zero, +) / runs)) mean, \(format(loads.min() ?? .zero)) min")
        // The Web API globals are set up on first use (see IsolateConfiguration.defersWebAPIs): the first request
        // pays for them.
        var firsts: [Duration] = []
        for isolate in isolates {
            let start = ContinuousClock.now
            let probe = try await isolate.fetch(WorkerRequest(url: "http://bench/a/b/c?q=1"))
            firsts.append(ContinuousClock.now - start)
            precondition(probe.status == 200, "the large worker did not answer")
        }
        print("runtime:   first request afterwards (sets up the Web APIs it uses): \(format(firsts.reduce(.zero, +) / runs)) mean, \(format(firsts.min() ?? .zero)) min")
        for isolate in isolates { await isolate.shutdown() }
    }

    /// A hello-world module worker from nothing to its first answer: create the isolate, load the bundle, dispatch
    /// one fetch and read the response. The first fetch sets up what it uses of the deferred Web APIs.
    static func firstRequest() async throws {
        let bundle = try await Bundler().bundle(.script("export default { fetch: () => new Response('Hello World!') }"))
        let runs = 20
        var totals: [Duration] = []
        var fetches: [Duration] = []
        var isolates: [WorkerIsolate] = []
        let cpuStart = CPUTime.ofThisProcess()
        for index in 0..<runs {
            let start = ContinuousClock.now
            let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "first-\(index)"))
            _ = try await isolate.load(bundle)
            let loaded = ContinuousClock.now
            let response = try await isolate.fetch(WorkerRequest(url: "http://bench/"))
            precondition(response.text == "Hello World!", "the hello-world worker did not answer")
            let end = ContinuousClock.now
            totals.append(end - start)
            fetches.append(end - loaded)
            isolates.append(isolate)
        }
        let cpuPerRun = (CPUTime.ofThisProcess() - cpuStart) / runs
        print("runtime: first request after start-up (hello-world module worker: create + load + first fetch answered): \(format(totals.reduce(.zero, +) / runs)) mean, \(format(totals.min() ?? .zero)) min; \(format(cpuPerRun)) process CPU time each; of which the first fetch: \(format(fetches.reduce(.zero, +) / runs)) mean, \(format(fetches.min() ?? .zero)) min")
        for isolate in isolates { await isolate.shutdown() }
    }

    static func idleMemory() async throws {
        let count = 20
        var isolates: [WorkerIsolate] = []
        // One isolate first, so the process-wide VM and the prelude texts are not counted against the others.
        let first = try await WorkerIsolate(configuration: IsolateConfiguration(name: "mem-first"))
        _ = try await first.load(try await Bundler().bundle(.script("export default { fetch: () => new Response('hi') }")))
        await first.collectGarbage()
        let before = residentBytes()
        let bundle = try await Bundler().bundle(.script("export default { fetch: () => new Response('hi') }"))
        for index in 0..<count {
            let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "mem-\(index)"))
            _ = try await isolate.load(bundle)
            _ = try await isolate.fetch(WorkerRequest(url: "http://bench/"))
            // Every deferred Web API file, not only those the fetch used.
            let loaded = try await isolate.evaluate(
                "globalThis[Symbol.for('kindling.internal')].ensureWebAPIs(); typeof Object.getOwnPropertyDescriptor(globalThis, 'URLPattern').value")
            precondition(loaded == #""function""#, "the Web APIs did not load")
            await isolate.collectGarbage()
            isolates.append(isolate)
        }
        let after = residentBytes()
        let perIsolate = Double(after - before) / Double(count) / 1_048_576
        print("runtime: idle isolate with Web APIs loaded: \(String(format: "%.2f", perIsolate)) MiB RSS each over \(count) isolates (target < 4 MiB)")
        for isolate in isolates { await isolate.shutdown() }
        await first.shutdown()
    }

    static func hostCalls() async throws {
        let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "calls"))
        defer { Task { await isolate.shutdown() } }
        try await isolate.setGlobal("resolved", to: .function(.resolving { arguments in arguments[0] }))
        try await isolate.setGlobal(
            "settledInBody", to: .function(.promise { arguments, resolver in resolver.resolve(arguments[0]) }))
        try await isolate.setGlobal("plain", to: .function(.sync { arguments in arguments[0] }))
        let calls = 1_000_000
        let variants = [
            ("resolved", "JS→Swift host call returning a resolved promise (.resolving)"),
            ("settledInBody", "JS→Swift host call, promise settled by its resolver in the body (.promise)"),
            ("plain", "JS→Swift sync host call (.sync)"),
        ]
        for (name, label) in variants {
            _ = try await isolate.evaluate("for (let i = 0; i < 10000; i++) \(name)(i)")
            let start = ContinuousClock.now
            let result = try await isolate.evaluate(
                "(() => { let last; for (let i = 0; i < \(calls); i++) last = \(name)(i); return last instanceof Promise ? 'promise' : typeof last })()")
            let elapsed = ContinuousClock.now - start
            precondition(result == (name == "plain" ? #""number""# : #""promise""#), "\(name) returned \(result)")
            print("runtime: \(label): \(format(elapsed / calls)) per call\(name == "resolved" ? " (target < 1 µs)" : "")")
        }
        let awaited = 200_000
        let start = ContinuousClock.now
        _ = try await isolate.evaluate("(async () => { let s = 0; for (let i = 0; i < \(awaited); i++) s += await resolved(i); return s })()")
        print("runtime: awaiting a resolved host promise in JS: \(format((ContinuousClock.now - start) / awaited)) per await")
    }

    static func fetchRoundTrips(root: String) async throws {
        let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "fetch"))
        _ = try await isolate.load(try await Bundler().bundle(.script("export default { fetch: () => new Response('Hello World!') }")))
        let request = WorkerRequest(url: "http://localhost:8787/", headers: [.init("accept", "*/*")])
        let count = 100_000
        let onThread: Duration = try await isolate.perform { isolated in
            // Warm up until the JIT has compiled the Request/Response path.
            for _ in 0..<30_000 { _ = try await isolated.fetch(request) }
            let start = ContinuousClock.now
            for _ in 0..<count {
                let response = try await isolated.fetch(request)
                precondition(response.text == "Hello World!")
            }
            return ContinuousClock.now - start
        }
        print("runtime: Request → module fetch → Response text, on the isolate's thread: \(Int(Double(count) / seconds(onThread))) round trips/s (target ≥ 100k/s)")
        let crossCount = 20_000
        let start = ContinuousClock.now
        for _ in 0..<crossCount { _ = try await isolate.fetch(request).text }
        let crossThread = ContinuousClock.now - start
        print("runtime: the same from a task off the isolate's thread (two thread hops each): \(Int(Double(crossCount) / seconds(crossThread))) round trips/s")
        await isolate.shutdown()
    }

    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = status.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func format(_ duration: Duration) -> String {
        let value = seconds(duration)
        if value >= 1e-3 { return String(format: "%.2f ms", value * 1e3) }
        if value >= 1e-6 { return String(format: "%.2f µs", value * 1e6) }
        return String(format: "%.0f ns", value * 1e9)
    }
}
