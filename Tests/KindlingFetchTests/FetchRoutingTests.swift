import Kindling
import Testing

@Suite("fetch() from Kindling's workers", .timeLimit(.minutes(1)))
struct FetchRoutingTests {
    @Test("a URL that another worker's route matches goes to the network, not to that worker (as in Miniflare)")
    func routeDoesNotCaptureFetch() async throws {
        try await OriginServer.with { origin in
            let kindling = try await Kindling(
                KindlingOptions(
                    port: nil,
                    workers: [
                        WorkerOptions(
                            name: "caller",
                            script: """
                                export default {
                                  async fetch(request) {
                                    const target = new URL(request.url).searchParams.get("target");
                                    const response = await fetch(target, { method: "POST", body: "from caller" });
                                    return new Response(`${response.status} ${await response.text()}`);
                                  },
                                };
                                """,
                            modules: true
                        ),
                        WorkerOptions(
                            name: "other",
                            script: "export default { fetch: () => new Response('answered by worker other') };",
                            modules: true,
                            routes: ["127.0.0.1/*"]
                        ),
                    ]
                ))
            do {
                let routed = try await kindling.dispatchFetch("http://127.0.0.1/echo")
                #expect(try await routed.text() == "answered by worker other")
                let target = "\(origin.url)/echo/network"
                let response = try await kindling.dispatchFetch("http://localhost/?target=\(target)")
                let text = try await response.text()
                #expect(text.hasPrefix("200 {"))
                #expect(text.contains(#""body":"from caller""#))
                #expect(origin.paths == ["/echo/network"])
            } catch {
                await kindling.dispose()
                throw error
            }
            await kindling.dispose()
        }
    }
}
