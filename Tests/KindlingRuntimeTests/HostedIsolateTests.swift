import Foundation
import KindlingRuntime
import Synchronization
import Testing

/// An isolate whose work runs on a thread somebody else owns (an HTTP server's event loop, in Kindling).
@Suite("Isolates run on a host's thread", .timeLimit(.minutes(1)))
struct HostedIsolateTests {
    @Test("a hosted isolate runs on the host's thread, keeps its state, and goes back to its own thread")
    func movesBetweenThreads() async throws {
        let host = TestHost()
        defer { host.stop() }
        try await withIsolate { isolate in
            try await isolate.setGlobal("thread", to: .function(.sync { _ in .string(TestHost.currentThread) }))
            let own = try await isolate.evaluate("globalThis.n = 1; thread()")
            let hostThread = await host.runs { TestHost.currentThread }
            #expect(own != "\"\(hostThread)\"")
            isolate.run(on: host.executorHost)
            #expect(try await isolate.evaluate("thread()") == "\"\(hostThread)\"")
            #expect(try await isolate.evaluate("++n") == "2")
            isolate.run(on: nil)
            #expect(try await isolate.evaluate("thread()") == own)
            #expect(try await isolate.evaluate("++n") == "3")
        }
    }

    @Test("work keeps its order while the isolate is handed to a host and back, again and again")
    func orderAcrossMoves() async throws {
        let host = TestHost()
        defer { host.stop() }
        try await withIsolate { isolate in
            _ = try await isolate.evaluate("globalThis.n = 0")
            var answers: [String] = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Moves made from another task meanwhile, at any point of the calls below.
                group.addTask {
                    for round in 0..<200 {
                        isolate.run(on: round % 2 == 0 ? host.executorHost : nil)
                        await Task.yield()
                    }
                    isolate.run(on: host.executorHost)
                }
                for _ in 0..<300 { answers.append(try await isolate.evaluate("++n")) }
                try await group.waitForAll()
            }
            #expect(answers == (1...300).map(String.init))
        }
    }

    @Test("timers and awaited host promises settle while hosted")
    func asyncWorkWhileHosted() async throws {
        let host = TestHost()
        defer { host.stop() }
        try await withIsolate { isolate in
            try await isolate.setGlobal("later", to: .function(.promise { arguments, resolver in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) { resolver.resolve(arguments[0]) }
            }))
            isolate.run(on: host.executorHost)
            let value = try await isolate.evaluate("""
                (async () => {
                  await new Promise((resolve) => setTimeout(resolve, 10));
                  return (await later("answer")) + " " + (await later(42));
                })()
                """)
            #expect(value == "\"answer 42\"")
        }
    }

    @Test("the CPU limit stops a loop running on the host, and the host's other work runs afterwards")
    func cpuLimitOnHost() async throws {
        let host = TestHost()
        defer { host.stop() }
        try await withIsolate(IsolateConfiguration(name: "test", cpuTimeLimit: .milliseconds(50))) { isolate in
            isolate.run(on: host.executorHost)
            let error = try await #require(throws: ScriptError.self) { try await isolate.evaluate("for (;;) {}") }
            #expect(error.isCPULimitExceeded)
            #expect(await host.runs { "still serving" } == "still serving")
            #expect(try await isolate.evaluate("1 + 1") == "2")
        }
    }

    @Test("an isolate released while hosted closes on the host without a crash, and its calls fail cleanly")
    func releasedWhileHosted() async throws {
        let host = TestHost()
        defer { host.stop() }
        var isolate: WorkerIsolate? = try await WorkerIsolate(configuration: IsolateConfiguration(name: "test"))
        isolate?.run(on: host.executorHost)
        #expect(try await isolate?.evaluate("6 * 7") == "42")
        await isolate?.shutdown()
        await #expect(throws: RuntimeError.self) { try await isolate?.evaluate("1") }
        isolate = nil
        #expect(await host.runs { "after" } == "after")
    }
}

/// A thread that runs the closures it is given, one at a time, in order: what an event loop is to an isolate.
private final class TestHost: @unchecked Sendable {
    // Safety: `queue` and `stopped` are guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    private var stopped = false
    init() {
        Thread { [self] in loop() }.start()
    }

    var executorHost: ExecutorHost {
        ExecutorHost { [self] body in enqueue(body) }
    }

    func enqueue(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        queue.append(body)
        condition.signal()
        condition.unlock()
    }

    /// The calling thread's identity.
    static var currentThread: String { "\(pthread_self())" }

    /// Runs `body` on the host and returns its value.
    func runs<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            enqueue { continuation.resume(returning: body()) }
        }
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty && stopped {
                condition.unlock()
                return
            }
            let next = queue.removeFirst()
            condition.unlock()
            next()
        }
    }
}
