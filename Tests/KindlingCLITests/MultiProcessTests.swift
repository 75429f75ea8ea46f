import Foundation
import KindlingBindings
import KindlingStorage
import KindlingTesting
import Synchronization
import Testing

/// Several processes on one persistence root, as with two `kindling dev` on one directory.
@Suite("One persistence root, several processes", .timeLimit(.minutes(2)))
struct MultiProcessTests {
    @Test("a key written by one process is read by another, and by sqlite3")
    func persistsAcrossProcesses() async throws {
        try await withTemporaryDirectory { root in
            let put = try ChildProcess.kindling(["kv", "key", "put", "count", "6", "--namespace", "counts", "--persist-to", root])
            #expect(put.status == 0, "\(put.stderr)")
            let get = try ChildProcess.kindling(["kv", "key", "get", "count", "--namespace", "counts", "--persist-to", root])
            #expect(get.text == "6")
            #expect(get.status == 0)
            let shell = try ChildProcess.sqlite3(root + "/kindling.sqlite", "SELECT key, value FROM kv_counts")
            #expect(shell == "count|6\n", "the sqlite3 shell must be installed (make test installs it)")
            let catalog = try ChildProcess.sqlite3(root + "/kindling.sqlite", "SELECT name, table_name FROM kindling_catalog")
            #expect(catalog == "counts|kv_counts\n")
        }
    }

    @Test("bad input in a real process: exit code 1, one line on stderr, no stack trace")
    func badInputProcess() async throws {
        try await withTemporaryDirectory { root in
            let result = try ChildProcess.kindling(["kv", "key", "put", "..", "v", "--namespace", "n", "--persist-to", root])
            #expect(result.status == 1)
            #expect(result.stderr == "Error: \"..\" is not allowed as a key name.\n")
        }
    }

    @Test("two processes each doing 500 puts at once finish with no error and 1,000 keys")
    func concurrentWriters() async throws {
        try await withTemporaryDirectory { root in
            let helper = ChildProcess.executable("KindlingTestHelper")
            async let first = Task.detached { try ChildProcess.run(helper, ["put-many", root, "counts", "a-", "500"]) }.value
            async let second = Task.detached { try ChildProcess.run(helper, ["put-many", root, "counts", "b-", "500"]) }.value
            let results = try await [first, second]
            for result in results {
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stderr.isEmpty)
                #expect(result.text.split(separator: "\n").count == 500)
            }
            let persistence = try Persistence.open(root: root)
            defer { persistence.shutdown() }
            let counts = try KVService(persistence: persistence).namespace("counts")
            #expect(try counts.allKeys().count == 1000)
            #expect(try counts.get("b-499")?.text == "value of b-499")
        }
    }

    @Test("a writer killed with SIGKILL mid-stream leaves a sound database with every acknowledged put")
    func crashSafety() async throws {
        try await withTemporaryDirectory { root in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ChildProcess.executable("KindlingTestHelper"))
            process.arguments = ["put-many", root, "crash", "k", "1000000"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()

            // Read acknowledgements until a few hundred puts are done, then kill mid-stream.
            var acknowledged = Data()
            while acknowledged.count(where: { $0 == UInt8(ascii: "\n") }) < 300 {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                acknowledged.append(chunk)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            acknowledged.append(pipe.fileHandleForReading.readDataToEndOfFile())
            #expect(process.terminationReason == .uncaughtSignal)

            let lines = String(decoding: acknowledged, as: UTF8.self).split(separator: "\n")
            let done = lines.filter { $0.hasPrefix("done ") && !$0.isEmpty }.map { String($0.dropFirst(5)) }
            #expect(done.count >= 300)

            #expect(try SQLiteFile(path: root + "/kindling.sqlite").rows("PRAGMA integrity_check") == [["ok"]])
            let persistence = try Persistence.open(root: root)
            defer { persistence.shutdown() }
            let namespace = try KVService(persistence: persistence).namespace("crash")
            let stored = Set(try namespace.allKeys())
            let missing = done.filter { !stored.contains($0) }
            #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(5))")
            #expect(try namespace.get(try #require(done.last))?.text == "value of \(done.last ?? "")")
        }
    }
}
