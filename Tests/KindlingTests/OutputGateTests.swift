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
    static func options(root: String, commitDelay: Duration, workers: [WorkerOptions]) -> KindlingOptions {
        var options = KindlingOptions(persistence: .directory(root), workers: workers)
        options.writeCommitDelay = commitDelay
        return options
    }

    static func rows(_ root: String) throws -> [[String]] {
        try SQLiteFile(path: root + "/kindling.sqlite").rows("SELECT key, CAST(value AS TEXT) FROM kv_ns ORDER BY key")
    }

    @Test("a request's writes are in the .sqlite file once dispatchFetch returned; the request reads its own writes")
    func committedBeforeTheResponse() async throws {
        try await withTemporaryDirectory { root in
            let kindling = try await Kindling(Self.options(root: root, commitDelay: .seconds(3600), workers: [
                WorkerOptions(
                    name: "writer",
                    script: """
                        export default {
                          async fetch(request, env) {
                            await env.KV.put("a", "1");
                            await env.KV.put("b", "2");
                            await env.KV.put("a", "3");
                            await env.KV.delete("b");
                            await env.KV.put("c", "4");
                            return new Response([await env.KV.get("a"), await env.KV.get("b"), await env.KV.get("c")].join());
                          },
                        };
                        """,
                    modules: true, kvNamespaces: ["KV": "ns"]),
            ]))
            #expect(try await kindling.dispatchFetch("http://localhost/").text() == "3,,4")
            #expect(try Self.rows(root) == [["a", "3"], ["c", "4"]])
            await kindling.dispose()
        }
    }

    @Test("a worker reads another worker's write to the same namespace before it is committed")
    func readYourWritesAcrossWorkers() async throws {
        try await withTemporaryDirectory { root in
            let kindling = try await Kindling(Self.options(root: root, commitDelay: .seconds(3600), workers: [
                WorkerOptions(
                    name: "writer",
                    script: """
                        export default {
                          async fetch(request, env) {
                            await env.MINE.put("shared", "from the writer");
                            return env.READER.fetch("http://reader/");
                          },
                        };
                        """,
                    modules: true, kvNamespaces: ["MINE": "ns"], serviceBindings: ["READER": .worker("reader")]),
                WorkerOptions(
                    name: "reader",
                    script: """
                        export default {
                          async fetch(request, env) {
                            const list = await env.THEIRS.list();
                            return new Response(await env.THEIRS.get("shared") + " / " + list.keys.map((k) => k.name).join());
                          },
                        };
                        """,
                    modules: true, kvNamespaces: ["THEIRS": "ns"]),
            ]))
            #expect(try await kindling.dispatchFetch("http://localhost/").text() == "from the writer / shared")
            #expect(try kindling.getKVNamespace("ns").get("shared")?.text == "from the writer")
            await kindling.dispose()
        }
    }

    @Test("the writes of a request that throws are committed too (KV has no rollback)")
    func committedWhenTheHandlerThrows() async throws {
        try await withTemporaryDirectory { root in
            let kindling = try await Kindling(Self.options(root: root, commitDelay: .seconds(3600), workers: [
                WorkerOptions(
                    name: "thrower",
                    script: """
                        export default {
                          async fetch(request, env) {
                            await env.KV.put("before", "the throw");
                            throw new Error("the handler failed");
                          },
                        };
                        """,
                    modules: true, kvNamespaces: ["KV": "ns"]),
            ]))
            let error = await #expect(throws: (any Error).self) { try await kindling.dispatchFetch("http://localhost/") }
            #expect("\(error.map { "\($0)" } ?? "")".contains("the handler failed"))
            #expect(try Self.rows(root) == [["before", "the throw"]])
            await kindling.dispose()
        }
    }

    @Test("a write made in waitUntil work after the response lands without a following request")
    func waitUntilWriteCommitsOnItsOwn() async throws {
        try await withTemporaryDirectory { root in
            let kindling = try await Kindling(Self.options(root: root, commitDelay: .milliseconds(20), workers: [
                WorkerOptions(
                    name: "late",
                    script: """
                        export default {
                          async fetch(request, env, ctx) {
                            ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 50)).then(() => env.KV.put("late", "yes")));
                            return new Response("answered");
                          },
                        };
                        """,
                    modules: true, kvNamespaces: ["KV": "ns"]),
            ]))
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
            await kindling.dispose()
        }
    }

    @Test("another process (sqlite3) sees a write once the response that made it has left")
    func anotherProcessSeesTheWrite() async throws {
        let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        let shell = try #require(sqlite3, "the sqlite3 shell must be installed (make test installs it)")
        try await withTemporaryDirectory { root in
            let kindling = try await Kindling(Self.options(root: root, commitDelay: .seconds(3600), workers: [
                WorkerOptions(
                    name: "counter",
                    script: """
                        export default {
                          async fetch(request, env) {
                            const next = Number((await env.KV.get("count")) ?? "0") + 1;
                            await env.KV.put("count", String(next));
                            return new Response(String(next));
                          },
                        };
                        """,
                    modules: true, kvNamespaces: ["KV": "ns"]),
            ]))
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
            await kindling.dispose()
        }
    }
}
