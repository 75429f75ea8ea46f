import Foundation
import Kindling
import Testing

/// A worker's response head as an HTTP client sees it: the status line and header lines the worker set reach the
/// wire unchanged and in order, next to the framing the server owns. (The worker's header lines go to the HTTP server
/// as plain lines, not through HTTPFields: `HTTPResponseWriter.write(status:headerLines:body:)`.)
@Suite("HTTP response heads from workers")
struct HTTPResponseHeadTests {
    static let worker = #"""
        export default {
          fetch() {
            const headers = new Headers([["Set-Cookie", "a=1"], ["x-custom", "custom value"], ["set-cookie", "b=2"]]);
            headers.append("Vary", "accept");
            headers.append("vary", "origin");
            return new Response("made", { status: 201, statusText: "Made It", headers });
          },
        };
        """#

    @Test("a worker's status text and header lines, repeated names included, arrive as it set them, with framing")
    func headReachesTheWire() async throws {
        let kindling = try await Kindling(
            KindlingOptions(port: 0, workers: [WorkerOptions(name: "heads", script: Self.worker, modules: true)]))
        do {
            let client = try await StreamingHTTPClient.connect(try #require(kindling.url))
            try await client.send("GET", "/")
            #expect(client.head.first == "HTTP/1.1 201 Made It")
            // The worker's header list as it built it: names lower-cased, in the order added, a repeated name on
            // lines of its own (so Set-Cookie stays apart); the Response's default content-type last, then the
            // server's length.
            let lines = client.head.dropFirst().filter { !$0.lowercased().hasPrefix("date:") }
            #expect(lines == [
                "set-cookie: a=1", "x-custom: custom value", "set-cookie: b=2", "vary: accept", "vary: origin",
                "content-type: text/plain;charset=UTF-8", "content-length: 4",
            ])
            #expect(client.header("date")?.hasSuffix(" GMT") == true)
            #expect(String(decoding: try await client.readBody(), as: UTF8.self) == "made")
            await client.close()
        } catch {
            await kindling.dispose()
            throw error
        }
        await kindling.dispose()
    }
}
