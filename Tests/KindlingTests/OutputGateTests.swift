import Foundation
@testable import Kindling
import KindlingTesting
import Testing

/// KV writes are acknowledged at once and committed together before the response of the request
/// that made them leaves (workerd's output gate); writes made outside any request are committed on
/// a short timer. These tests read the database the way a user would — a connection or a process
/// of its own — and set the timer to an hour where they show that the response carried the commit.
@Suite("Output gate: KV writes commit before the response leaves", .timeLimit(.minutes(2)))
struct OutputGateTests {
    /// Runs `body` against an instance persisting into a fresh directory, with the commit timer at
    /// `commitDelay` (an hour: only a response can commit), and disposes of it whatever happens.
    static func withGate(
        commitDelay: Duration = .seconds(3600), _ workers: [WorkerOptions], _ body: (Kindling, String) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { root in
            var options = KindlingOptions(persistence: .directory(root), workers: workers)
            options.writeCommitDelay = commitDelay
            let kindling = try await Kindling(options)
            do {
                try await body(kindling, root)
            } catch {
                await kindling.dispose()
                throw error
            }
            await kindling.dispose()
        }
    }

    /// A modules worker whose `fetch` is `handler`, binding namespace `ns` (as `binding`).
    static func kvWorker(
        _ name: String, binding: String = "KV", services: [String: ServiceBinding] = [:], fetch handler: String
    ) -> WorkerOptions {
        WorkerOptions(
            name: name, script: "export default {\n  async fetch(request, env, ctx) {\n\(handler)\n  },\n};",
            modules: true, kvNamespaces: [binding: "ns"], serviceBindings: services)
    }

    static func rows(_ root: String) throws -> [[String]] {
        try SQLiteFile(path: root + "/kindling.sqlite").rows("SELECT key, CAST(value AS TEXT) FROM kv_ns ORDER BY key")
    }

    @Test("a request's writes are in the .sqlite file once dispatchFetch returned; the request reads its own writes")
    func committedBeforeTheResponse() async throws {
        try await Self.withGate([
            Self.kvWorker(
                "writer",
                fetch: """
                    await env.KV.put("a", "1");
                    await env.KV.put("b", "2");
                    await env.KV.put("a", "3");
                    await env.KV.delete("b");
                    await env.KV.put("c", "4");
                    return new Response([await env.KV.get("a"), await env.KV.get("b"), await env.KV.get("c")].join());
                    """),
        ]) { kindling, root async throws in
            #expect(try await kindling.dispatchFetch("http://localhost/").text() == "3,,4")
            #expect(try Self.rows(root) == [["a", "3"], ["c", "4"]])
        }
    }

    @Test("a worker reads another worker's write to the same namespace before it is committed")
    func readYourWritesAcrossWorkers() async throws {
        try await Self.withGate([
            Self.kvWorker(
                "writer", binding: "MINE", services: ["READER": .worker("reader")],
                fetch: """
                    await env.MINE.put("shared", "from the writer");
                    return env.READER.fetch("http://reader/");
                    """),
            Self.kvWorker(
                "reader", binding: "THEIRS",
                fetch: """
                    const list = await env.THEIRS.list();
                    return new Response(await env.THEIRS.get("shared") + " / " + list.keys.map((k) => k.name).join());
                    """),
        ]) { kindling, root async throws in
            #expect(try await kindling.dispatchFetch("http://localhost/").text() == "from the writer / shared")
            #expect(try kindling.getKVNamespace("ns").get("shared")?.text == "from the writer")
        }
    }

    @Test("the writes of a request that throws are committed too (KV has no rollback)")
    func committedWhenTheHandlerThrows() async throws {
        try await Self.withGate([
            Self.kvWorker(
                "thrower",
                fetch: """
                    await env.KV.put("before", "the throw");
                    throw new Error("the handler failed");
                    """),
        ]) { kindling, root async throws in
            let error = await #expect(throws: (any Error).self) { try await kindling.dispatchFetch("http://localhost/") }
            #expect("\(error.map { "\($0)" } ?? "")".contains("the handler failed"))
            #expect(try Self.rows(root) == [["before", "the throw"]])
        }
    }

    @Test("a write made in waitUntil work after the response lands without a following request")
    func waitUntilWriteCommitsOnItsOwn() async throws {
        try await Self.withGate(commitDelay: .milliseconds(20), [
            Self.kvWorker(
                "late",
                fetch: """
                    ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 50)).then(() => env.KV.put("late", "yes")));
                    return new Response("answered");
                    """),
        ]) { kindling, root async throws in
            #expect(try await kindling.dispatchFetch("http://localhost/").text() == "answered")
            // No other request, no dispose: only the commit timer can put it in the file.
            let deadline = ContinuousClock.now + .seconds(10)
            var rows: [[String]] = []
            while ContinuousClock.now < deadline {
                rows = (try? Self.rows(root)) ?? []
                if !rows.isEmpty { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(rows == [["late", "yes"]])
        }
    }

    @Test("another process (sqlite3) sees a write once the response that made it has left")
    func anotherProcessSeesTheWrite() async throws {
        let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        let shell = try #require(sqlite3, "the sqlite3 shell must be installed (make test installs it)")
        try await Self.withGate([
            Self.kvWorker(
                "counter",
                fetch: """
                    const next = Number((await env.KV.get("count")) ?? "0") + 1;
                    await env.KV.put("count", String(next));
                    return new Response(String(next));
                    """),
        ]) { kindling, root async throws in
            for expected in 1...3 {
                #expect(try await kindling.dispatchFetch("http://localhost/").text() == "\(expected)")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: shell)
                process.arguments = [root + "/kindling.sqlite", "SELECT CAST(value AS TEXT) FROM kv_ns WHERE key = 'count'"]
                let output = Pipe()
                process.standardOutput = output
                try process.run()
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(text == "\(expected)\n")
            }
        }
    }
}
