import Foundation
import KindlingTesting
import Testing

/// `kindling dev` as a user runs it: a child process serving real HTTP on 127.0.0.1.
@Suite("kindling dev over HTTP", .timeLimit(.minutes(3)))
struct DevCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let counterConfigs = [
        "-c", repository + "/examples/counter/worker/wrangler.toml",
        "-c", repository + "/examples/counter/incrementer/wrangler.toml",
    ]

    @Test("the counter example: 3, then 6 after a clean restart, then 9 after SIGKILL; count = 6 on disk")
    func counterExample() async throws {
        try await withTemporaryDirectory { root in
            let first = try DevServer.kindling(Self.counterConfigs + ["--persist-to", root])
            #expect(try await first.request().text == "The count is 3")
            let log = first.stop(SIGTERM)
            #expect(first.process.terminationStatus == 0, "\(log)")
            #expect(log.contains("GET / 200 OK ("))

            let second = try DevServer.kindling(Self.counterConfigs + ["--persist-to", root])
            #expect(try await second.request().text == "The count is 6")
            let rows = try SQLiteFile(path: root + "/kindling.sqlite").rows(
                "SELECT key, CAST(value AS TEXT) FROM kv_counts")
            #expect(rows == [["count", "6"]])
            second.stop(SIGKILL)

            let third = try DevServer.kindling(Self.counterConfigs + ["--persist-to", root])
            #expect(try await third.request().text == "The count is 9")
            third.stop()
        }
    }

    @Test("make serve-example (what make run starts) serves the example with state in the given directory")
    func makeRun() async throws {
        try await withTemporaryDirectory { root in
            let server = try DevServer(
                executable: "/usr/bin/make",
                ["-s", "serve-example", "KINDLING=\(ChildProcess.executable("kindling"))", "PORT=0", "PERSIST=\(root)"],
                directory: Self.repository
            )
            #expect(try await server.request().text == "The count is 3")
            server.stop(SIGINT, children: true)
            #expect(server.process.terminationStatus == 0)
            #expect(try SQLiteFile(path: root + "/kindling.sqlite").rows("SELECT CAST(value AS TEXT) FROM kv_counts") == [["3"]])
        }
    }

    @Test("two processes on one --persist-to share the counter at once, and under load neither fails")
    func twoProcesses() async throws {
        try await withTemporaryDirectory { root in
            let a = try DevServer.kindling(Self.counterConfigs + ["--persist-to", root])
            let b = try DevServer.kindling(Self.counterConfigs + ["--persist-to", root])
            #expect(try await a.request().text == "The count is 3")
            #expect(try await b.request().text == "The count is 6")
            // 40 concurrent requests, half to each process: every one answers, none sees SQLITE_BUSY.
            // (Concurrent read-increment-write loses updates, as on real KV, so the total varies.)
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<40 {
                    let server = index % 2 == 0 ? a : b
                    group.addTask {
                        let response = try await server.request()
                        return (response.status, response.text)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 40)
            for (status, text) in answers {
                #expect(status == 200, "\(text)")
                #expect(text.wholeMatch(of: /The count is \d+/) != nil, "\(text)")
            }
            let logs = a.stop() + b.stop()
            #expect(!logs.contains("SQLITE_BUSY") && !logs.contains("database is locked"), "\(logs)")
            let stored = try SQLiteFile(path: root + "/kindling.sqlite").rows("SELECT CAST(value AS TEXT) FROM kv_counts")
            #expect(Int(stored.first?.first ?? "") ?? 0 > 6)
        }
    }

    @Test("an uncaught exception answers 500: an HTML page for browsers, text otherwise, naming the user's line")
    func errorPages() async throws {
        try await withTemporaryDirectory { root in
            let script = root + "/boom.js"
            try Data("""
                export default {
                  fetch(request) {
                    throw new Error("kaboom <here>");
                  },
                };
                """.utf8).write(to: URL(fileURLWithPath: script))
            try Data("name = \"boom\"\nmain = \"boom.js\"\n".utf8).write(to: URL(fileURLWithPath: root + "/wrangler.toml"))
            let server = try DevServer.kindling(["-c", root + "/wrangler.toml"])
            let plain = try await server.request()
            #expect(plain.status == 500)
            #expect(plain.text.hasPrefix("Error: kaboom <here>"))
            #expect(plain.text.contains("boom.js:3"))
            let html = try await server.request(headers: ["Accept": "text/html,application/xhtml+xml"])
            #expect(html.status == 500)
            #expect(html.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(html.text.contains("kaboom &lt;here&gt;"))
            // The server keeps serving after an error.
            #expect(try await server.request().status == 500)
            server.stop()
        }
    }

    @Test("every request's log line and console.log line reaches stderr, in order, by the time kindling dev stops")
    func logLinesInOrder() async throws {
        try await withTemporaryDirectory { root in
            try Data("""
                export default {
                  fetch(request) {
                    console.log("handling " + new URL(request.url).pathname);
                    return new Response("ok");
                  },
                };
                """.utf8).write(to: URL(fileURLWithPath: root + "/log.js"))
            try Data("name = \"logger\"\nmain = \"log.js\"\n".utf8).write(to: URL(fileURLWithPath: root + "/wrangler.toml"))
            let server = try DevServer.kindling(["-c", root + "/wrangler.toml"])
            for index in 0..<40 { #expect(try await server.request("/r\(index)").text == "ok") }
            // Stopped right after the last answer: lines still waiting to be written must come out first.
            let log = server.stop(SIGTERM)
            #expect(server.process.terminationStatus == 0)
            let lines = log.split(separator: "\n").map(String.init)
            var expected: [String] = []
            for index in 0..<40 { expected += ["[logger] handling /r\(index)", "GET /r\(index) 200 OK ("] }
            let found = lines.filter { $0.hasPrefix("[logger] handling /r") || $0.hasPrefix("GET /r") }
            #expect(found.count == expected.count, "\(log)")
            for (line, prefix) in zip(found, expected) { #expect(line.hasPrefix(prefix)) }
            // Each request line whole: the console writes them as bytes of its own (RequestLogHandler).
            for line in found where line.hasPrefix("GET ") {
                #expect(line.wholeMatch(of: /GET \/r\d+ 200 OK \(\d+\.\d ms\)/) != nil, "\(line)")
            }
        }
    }

    @Test("scheduled events run through Miniflare's and wrangler's trigger paths")
    func scheduledPaths() async throws {
        try await withTemporaryDirectory { root in
            try Data("""
                export default {
                  async fetch(request, env) { return new Response(await env.KV.get("cron") ?? "none"); },
                  async scheduled(controller, env) { await env.KV.put("cron", controller.cron); },
                };
                """.utf8).write(to: URL(fileURLWithPath: root + "/cron.js"))
            try Data("name = \"cron\"\nmain = \"cron.js\"\nkv_namespaces = [{ binding = \"KV\" }]\n".utf8)
                .write(to: URL(fileURLWithPath: root + "/wrangler.toml"))
            let server = try DevServer.kindling(["-c", root + "/wrangler.toml"])
            #expect(try await server.request("/cdn-cgi/mf/scheduled?cron=*/5+*+*+*+*").status == 200)
            #expect(try await server.request().text == "*/5 * * * *")
            #expect(try await server.request("/__scheduled?cron=0+0+*+*+1").text == "Ran scheduled event")
            #expect(try await server.request().text == "0 0 * * 1")
            server.stop()
        }
    }

    @Test(
        "bad input stops start-up with one line, a non-zero exit, and nothing written",
        arguments: [
            ("wrangler.toml", "name = \"a\"\nmain = \"a.js\"\nvars = {", "wrangler.toml:3:"),
            ("wrangler.toml", "name = \"a\"\n", "Missing entry-point"),
            ("wrangler.toml", "name = \"a\"\nmain = \"missing.js\"\n", "Worker \"a\" failed to start"),
            ("wrangler.toml", "name = \"a\"\nmain = \"a.js\"\nservices = [{ binding = \"S\", service = \"nope\" }]\n",
             "Worker \"a\" binds service S to \"nope\", but no worker has that name (workers: \"a\")."),
            ("syntax.toml", "name = \"a\"\nmain = \"syntax.js\"\nkv_namespaces = [{ binding = \"KV\" }]\n", "syntax.js:2:"),
        ]
    )
    func badInput(file: String, config: String, message: String) async throws {
        try await withTemporaryDirectory { root in
            try Data("export default { fetch() { return new Response('a') } };".utf8)
                .write(to: URL(fileURLWithPath: root + "/a.js"))
            try Data("export default {\n  fetch() { return new Response('a' }\n};".utf8)
                .write(to: URL(fileURLWithPath: root + "/syntax.js"))
            try Data(config.utf8).write(to: URL(fileURLWithPath: root + "/" + file))
            let result = try ChildProcess.kindling(["dev", "-c", root + "/" + file, "--port", "0", "--persist-to", root + "/state"])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("Error: "), "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "one line: \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: root + "/state/kindling.sqlite"))
        }
    }

    @Test("two workers with one name, and a port already in use, are refused")
    func duplicatesAndPortInUse() async throws {
        try await withTemporaryDirectory { root in
            try Data("export default { fetch() { return new Response('a') } };".utf8)
                .write(to: URL(fileURLWithPath: root + "/a.js"))
            try Data("name = \"a\"\nmain = \"a.js\"\n".utf8).write(to: URL(fileURLWithPath: root + "/wrangler.toml"))
            let duplicate = try ChildProcess.kindling(["dev", "-c", root + "/wrangler.toml", "-c", root + "/wrangler.toml", "--port", "0"])
            #expect(duplicate.status == 1)
            #expect(duplicate.stderr == "Error: Two workers are named \"a\"; worker names must be unique.\n")

            let running = try DevServer.kindling(["-c", root + "/wrangler.toml"])
            let port = String(running.url.split(separator: ":").last ?? "")
            let taken = try ChildProcess.kindling(["dev", "-c", root + "/wrangler.toml", "--port", port])
            #expect(taken.status == 1)
            #expect(taken.stderr.contains("already in use"), "\(taken.stderr)")
            #expect(taken.stderr.filter { $0 == "\n" }.count == 1)
            running.stop()
        }
    }
}
