import Foundation
import Kindling
import Logging

/// Requests through a service binding, each checked: what the garbage-collection test runs under
/// `JSC_collectContinuously` (a collection at every chance), so that a JS value Swift holds where
/// the collector cannot see it is collected and its reuse shows as a wrong answer or a crash.
enum ServiceCalls {
    struct WrongAnswer: Error, CustomStringConvertible {
        var description: String
    }

    static func run(count: Int) async throws {
        var logger = Logger(label: "kindling.test-helper")
        logger.logLevel = .warning
        let kindling = try await Kindling(options, logger: logger)
        do {
            for index in 1...count {
                let response = try await kindling.dispatchFetch(
                    "http://front/request/\(index)?q=\(index)", method: "POST", body: .bytes(Array("body \(index)".utf8)))
                let text = try await response.text()
                // Three calls per request, each adding one to the count.
                let expected = "\(3 * index) of \(3 * index): index \(index), step 2, body \(index), back sent \(index)"
                guard text == expected else {
                    throw WrongAnswer(description: "request \(index): expected \"\(expected)\", got \"\(text)\"")
                }
            }
        } catch {
            await kindling.dispose()
            throw error
        }
        await kindling.dispose()
    }

    static let options = KindlingOptions(
        persistence: .temporary,
        workers: [
            WorkerOptions(
                name: "front",
                script: """
                    export default {
                      async fetch(request, env) {
                        const index = new URL(request.url).pathname.split("/").pop();
                        const body = await request.text();
                        let last;
                        for (let step = 0; step < 3; step++) {
                          const answer = await env.BACK.fetch(`http://back/add/${index}`, {
                            method: "POST", headers: { "x-step": String(step), "x-index": index }, body: "1",
                          });
                          last = `${await answer.text()}: index ${answer.headers.get("x-index")}, ` +
                            `step ${answer.headers.get("x-step")}, ${body}, back sent ${answer.headers.get("x-sent")}`;
                        }
                        const count = await env.COUNTS.get("count");
                        return new Response(`${last.split(":")[0]} of ${count}:${last.split(":")[1]}`,
                          { headers: { "x-front": "yes", "content-type": "text/plain" } });
                      },
                    };
                    """,
                modules: true,
                kvNamespaces: ["COUNTS": "counts"],
                serviceBindings: ["BACK": .worker("back")]
            ),
            WorkerOptions(
                name: "back",
                script: """
                    addEventListener("fetch", (event) => event.respondWith(handle(event.request)));
                    async function handle(request) {
                      const count = parseInt((await NUMBERS.get("count")) ?? "0") + Number(await request.text());
                      await NUMBERS.put("count", count.toString());
                      return new Response(count.toString(), { headers: {
                        "x-index": request.headers.get("x-index"), "x-step": request.headers.get("x-step"),
                        "x-sent": new URL(request.url).pathname.split("/").pop(),
                      } });
                    }
                    """,
                kvNamespaces: ["NUMBERS": "counts"]
            ),
        ]
    )
}
