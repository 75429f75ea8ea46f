import Foundation
import Kindling
import KindlingTesting
import Testing

/// Miniflare's multi-worker example, through the Swift API: two workers share namespace
/// `counts` under two binding names; the text comes from a Swift closure.
@Suite("Counter example (Swift API)", .timeLimit(.minutes(2)))
struct CounterExampleTests {
    static let worker = """
        export default {
          async fetch(request, env) {
            const message = await (await env.CUSTOM.fetch("http://custom/")).text();
            await env.INCREMENTER.fetch("http://incrementer/");
            await env.INCREMENTER.fetch("http://incrementer/");
            await env.INCREMENTER.fetch("http://incrementer/");
            const count = await env.COUNTS.get("count");
            return new Response(message + count);
          },
        };
        """

    /// The service-worker half, as `make run` serves it.
    static let incrementerPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/counter/incrementer/incrementer.js").path

    static func options(persistTo root: String) -> KindlingOptions {
        KindlingOptions(
            persistence: .directory(root),
            workers: [
                WorkerOptions(
                    name: "worker",
                    script: worker,
                    modules: true,
                    kvNamespaces: ["COUNTS": "counts"],
                    serviceBindings: [
                        "INCREMENTER": .worker("incrementer"),
                        "CUSTOM": .handler { _ in WorkerResponse("The count is ") },
                    ]
                ),
                WorkerOptions(name: "incrementer", scriptPath: incrementerPath, kvNamespaces: ["NUMBERS": "counts"]),
            ]
        )
    }

    @Test("3, then 6 after a restart on the same directory, with count = 6 in the .sqlite file")
    func countsAcrossRestarts() async throws {
        try await withTemporaryDirectory { root in
            let first = try await Kindling(Self.options(persistTo: root))
            #expect(try await first.dispatchFetch("http://localhost:8787/").text() == "The count is 3")
            await first.dispose()

            let second = try await Kindling(Self.options(persistTo: root))
            #expect(try await second.dispatchFetch("http://localhost:8787/").text() == "The count is 6")
            #expect(try second.getKVNamespace("counts").get("count")?.text == "6")
            await second.dispose()
            await second.dispose()

            let rows = try SQLiteFile(path: root + "/kindling.sqlite").rows(
                "SELECT key, CAST(value AS TEXT) FROM kv_counts")
            #expect(rows == [["count", "6"]])
        }
    }
}
