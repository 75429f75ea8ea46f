import Foundation
import Kindling
import Testing

/// A service call to an idle worker runs on the caller's thread (`IsolateExecutor.executeInline`).
/// These tests drive the cases where that could go wrong: many calls at once (some find the callee
/// busy and queue, some run inline), garbage collection while threads borrow each other's VMs,
/// calls that cycle back to the caller, callees that answer later, and callees that throw.
@Suite("Service calls run inline on an idle callee", .timeLimit(.minutes(2)))
struct InlineServiceCallTests {
    /// Adds the numbers in the request's query to a KV counter and answers the new total, allocating
    /// garbage on the way so that collections happen while calls run on borrowed threads.
    static let adder = """
        export default {
          async fetch(request, env) {
            const n = Number(new URL(request.url).searchParams.get("n"));
            const garbage = [];
            for (let i = 0; i < 2000; i++) garbage.push({ i, text: "x".repeat(i), list: [i, i + 1] });
            const total = Number((await env.TOTALS.get("sum")) ?? "0") + n;
            await env.TOTALS.put("sum", String(total));
            return new Response(String(total + garbage.length - 2000));
          },
        };
        """

    @Test("32 requests at once, 25 calls each: every call answered, the KV total exact")
    func concurrentCallsKeepOrderAndState() async throws {
        let kindling = try await Kindling(
            KindlingOptions(workers: [
                WorkerOptions(
                    name: "caller",
                    script: """
                        export default {
                          async fetch(request, env) {
                            let last = 0;
                            for (let i = 1; i <= 25; i++) {
                              const answer = await env.ADDER.fetch("http://adder/?n=" + i);
                              if (answer.status !== 200) throw new Error("status " + answer.status);
                              last = Number(await answer.text());
                            }
                            return new Response(String(last));
                          },
                        };
                        """,
                    modules: true,
                    serviceBindings: ["ADDER": .worker("adder")]
                ),
                WorkerOptions(name: "adder", script: Self.adder, modules: true, kvNamespaces: ["TOTALS": "totals"]),
            ]))
        do {
            // Each read-add-write runs to completion on the adder's isolate before the next starts (KV
            // calls answer synchronously), so unlike real KV no increment is lost: 32 × (1 + … + 25).
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<32 {
                    group.addTask {
                        let text = try await kindling.dispatchFetch("http://localhost/").text()
                        #expect(Int(text) != nil, "answer: \(text)")
                    }
                }
                try await group.waitForAll()
            }
            let sum = try kindling.getKVNamespace("totals").get("sum").map { String(decoding: $0.value, as: UTF8.self) }
            #expect(sum == String(32 * 325))
            await kindling.dispose()
        } catch {
            await kindling.dispose()
            throw error
        }
    }

    @Test("a call that comes back to the caller (A → B → A) is answered, not deadlocked")
    func callCycle() async throws {
        let answer = try await WorkerProbe.answer(
            KindlingOptions(workers: [
                WorkerOptions(
                    name: "a",
                    script: """
                        export default {
                          async fetch(request, env) {
                            const url = new URL(request.url);
                            if (url.pathname === "/inner") return new Response("inner of a");
                            const viaB = await (await env.B.fetch("http://b/")).text();
                            return new Response(JSON.stringify({ viaB }));
                          },
                        };
                        """,
                    modules: true,
                    serviceBindings: ["B": .worker("b")]
                ),
                WorkerOptions(
                    name: "b",
                    script: """
                        export default {
                          async fetch(request, env) {
                            return new Response("b saw: " + await (await env.A.fetch("http://a/inner")).text());
                          },
                        };
                        """,
                    modules: true,
                    serviceBindings: ["A": .worker("a")]
                ),
            ]))
        #expect(answer == JSON(#"{"viaB": "b saw: inner of a"}"#))
    }

    @Test("a callee that answers after a timer, and one that throws, reach the caller")
    func laterAnswersAndErrors() async throws {
        let answer = try await WorkerProbe.answer(
            KindlingOptions(workers: [
                WorkerOptions(
                    name: "caller",
                    script: WorkerProbe.script(
                        """
                        const later = await Promise.all([1, 2, 3].map(async (n) =>
                          (await env.SLOW.fetch("http://slow/?n=" + n)).text()));
                        const failed = await outcome(() => env.FAILING.fetch("http://failing/"));
                        const after = await (await env.SLOW.fetch("http://slow/?n=4")).text();
                        return { later, failed, after };
                        """),
                    modules: true,
                    serviceBindings: ["SLOW": .worker("slow"), "FAILING": .worker("failing")]
                ),
                WorkerOptions(
                    name: "slow",
                    script: """
                        export default {
                          async fetch(request) {
                            await new Promise((resolve) => setTimeout(resolve, 5));
                            return new Response("slow " + new URL(request.url).searchParams.get("n"));
                          },
                        };
                        """,
                    modules: true
                ),
                WorkerOptions(
                    name: "failing",
                    script: "export default { fetch() { throw new Error('out of range in the callee'); } };",
                    modules: true
                ),
            ]))
        #expect(
            answer
                == JSON(
                    """
                    {"later": ["slow 1", "slow 2", "slow 3"],
                     "failed": {"error": "Error", "message": "out of range in the callee"},
                     "after": "slow 4"}
                    """))
    }
}
