import Foundation
import KindlingRuntime
import Testing

@Suite("Errors, limits and code generation")
struct ErrorTests {
    static let handlerFiles = [
        "src/index.ts": """
            import { fail, failLater } from "./handler";
            export default {
              async fetch(request: Request): Promise<Response> {
                const path = new URL(request.url).pathname;
                if (path === "/throw") fail("broken");
                if (path === "/reject") await failLater();
                if (path === "/wrong") return "not a response" as unknown as Response;
                if (path === "/spin") { while (true) {} }
                if (path === "/spin-later") { await null; while (true) {} }
                return new Response("fine");
              },
            };
            """,
        "src/handler.ts": """
            // Helpers that throw, on known lines.
            export function fail(message: string): never {
              throw new Error(message);
            }

            export async function failLater(): Promise<void> {
              await Promise.resolve();
              throw new RangeError("too late");
            }
            """,
    ]

    @Test("an uncaught exception carries the JS message and a stack mapped to the user's files and lines")
    func uncaughtException() async throws {
        try await withWorker(Self.handlerFiles, entry: "src/index.ts") { isolate, _ async throws in
            let error = try await #require(throws: ScriptError.self) {
                try await isolate.fetch(WorkerRequest(url: "http://x/throw"))
            }
            #expect(error.name == "Error")
            #expect(error.message == "broken")
            #expect(error.sourceURL == "src/handler.ts")
            #expect(error.line == 3)
            #expect(error.stack.hasPrefix("Error: broken\n    at fail (src/handler.ts:3:"))
            #expect(error.stack.contains("(src/index.ts:5:"))
            #expect(!error.stack.contains("bundle:"))
        }
    }

    @Test("a rejected handler promise reaches Swift with its own error")
    func rejectedPromise() async throws {
        try await withWorker(Self.handlerFiles, entry: "src/index.ts") { isolate, _ async throws in
            let error = try await #require(throws: ScriptError.self) {
                try await isolate.fetch(WorkerRequest(url: "http://x/reject"))
            }
            #expect(error.name == "RangeError")
            #expect(error.message == "too late")
            #expect(error.sourceURL == "src/handler.ts")
            #expect(error.line == 8)
        }
    }

    @Test("a handler that returns something other than a Response fails with workerd's TypeError")
    func notAResponse() async throws {
        try await withWorker(Self.handlerFiles, entry: "src/index.ts") { isolate, _ async throws in
            let error = try await #require(throws: ScriptError.self) {
                try await isolate.fetch(WorkerRequest(url: "http://x/wrong"))
            }
            #expect(error.name == "TypeError")
            #expect(error.message == "Incorrect type for Promise: the Promise did not resolve to 'Response'.")
        }
    }

    @Test("a worker without the handler is a noHandler RuntimeError")
    func noHandler() async throws {
        try await withWorker(["index.js": "export default { scheduled() {} }"]) { isolate, _ async throws in
            let error = try await #require(throws: RuntimeError.self) {
                try await isolate.fetch(WorkerRequest(url: "http://x/"))
            }
            #expect(error.code == .noHandler)
            #expect(error.message == #"Worker "test" has no fetch handler: its default export has no "fetch" method."#)
        }
    }

    @Test("an error thrown by top-level code fails the load with a mapped position")
    func topLevelThrow() async throws {
        try await withProject(["main.js": "const x = 1;\nthrow new TypeError('bad config');\nexport default {};"]) { root async throws in
            try await withIsolate { isolate async throws in
                let error = try await #require(throws: ScriptError.self) { try await isolate.load(.file(root + "/main.js")) }
                #expect(error.name == "TypeError")
                #expect(error.message == "bad config")
                #expect(error.sourceURL == "main.js")
                #expect(error.line == 2)
            }
        }
    }

    @Test("while (true) {} is stopped by the CPU limit, and the isolate serves the next request", arguments: ["/spin", "/spin-later"])
    func cpuLimit(path: String) async throws {
        let configuration = IsolateConfiguration(name: "test", cpuTimeLimit: .milliseconds(100))
        try await withWorker(Self.handlerFiles, entry: "src/index.ts", configuration: configuration) { isolate, _ async throws in
            let error = try await #require(throws: ScriptError.self) {
                try await isolate.fetch(WorkerRequest(url: "http://x" + path))
            }
            #expect(error.isCPULimitExceeded)
            #expect(error.message == "Worker exceeded CPU time limit.")
            let response = try await isolate.fetch(WorkerRequest(url: "http://x/ok"))
            #expect(response.text == "fine")
            // The limit applies to each entry again, not once.
            await #expect(throws: ScriptError.self) { try await isolate.fetch(WorkerRequest(url: "http://x" + path)) }
        }
    }

    @Test("a loop in evaluate is stopped too, and calls waiting on other promises fail instead of hanging")
    func cpuLimitEvaluate() async throws {
        try await withIsolate(IsolateConfiguration(name: "test", cpuTimeLimit: .milliseconds(50))) { isolate async throws in
            let error = try await #require(throws: ScriptError.self) { try await isolate.evaluate("for (;;) {}") }
            #expect(error.isCPULimitExceeded)
            #expect(try await isolate.evaluate("1 + 1") == "2")
        }
    }

    @Test("the CPU limit counts CPU time, not time spent blocked: an entry that sleeps past it is not stopped")
    func cpuLimitIgnoresBlockedTime() async throws {
        // Isolate threads read a cheap, extrapolated CPU clock (CThreadClock); it must still not count a sleep.
        try await withIsolate(IsolateConfiguration(name: "test", cpuTimeLimit: .milliseconds(50))) { isolate async throws in
            try await isolate.setGlobal("block", to: .function(.sync { _ in usleep(200_000); return .undefined }))
            #expect(try await isolate.evaluate("block(); let n = 0; for (let i = 0; i < 1000; i++) n += i; n") == "499500")
            let error = try await #require(throws: ScriptError.self) { try await isolate.evaluate("block(); for (;;) {}") }
            #expect(error.isCPULimitExceeded)
        }
    }

    @Test("eval and new Function throw EvalError, as on the platform", arguments: ["eval('1')", "new Function('return 1')", "Function('return 1')", "(async function () {}).constructor('return 1')"])
    func codeGenerationDisallowed(expression: String) async throws {
        try await withIsolate { isolate async throws in
            let result = try await isolate.evaluate("try { \(expression); 'allowed' } catch (e) { [e.name, e.message] }")
            #expect(result == #"["EvalError","Code generation from strings disallowed for this context"]"#)
        }
    }

    @Test("an unhandled rejection is logged with the worker's name")
    func unhandledRejectionLogged() async throws {
        let log = CapturedLog()
        try await withIsolate(IsolateConfiguration(name: "shop", logger: log.logger)) { isolate async throws in
            _ = try await isolate.evaluate("Promise.reject(new Error('nobody listens')); Promise.resolve(1).then(() => {})")
            _ = try await isolate.evaluate("Promise.reject(new Error('handled')).catch(() => {})")
            _ = try await isolate.evaluate("1")
        }
        let lines = log.all.filter { $0.contains("Uncaught") }
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("error [shop] Uncaught (in promise) Error: nobody listens") == true)
    }
}
