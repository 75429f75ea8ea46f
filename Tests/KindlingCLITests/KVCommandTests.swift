import ArgumentParser
import Foundation
import KindlingBindings
import KindlingStorage
import KindlingTesting
import Testing

@testable import KindlingCLI

/// Runs `kindling` in this process, capturing what it prints (as bytes) and the exit code and
/// error line it would have.
func runKindlingCapturingBytes(_ arguments: [String]) async -> (status: Int32, output: Output, stderr: String) {
    let output = Output(capturing: true)
    do {
        let command = try KindlingCommand.parseAsRoot(arguments)
        try await Output.$current.withValue(output) {
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                var command = command
                try command.run()
            }
        }
        return (0, output, "")
    } catch {
        return (KindlingCommand.exitCode(for: error).rawValue, output, KindlingCommand.fullMessage(for: error))
    }
}

/// Runs `kindling` in this process; stdout as text.
func runKindling(_ arguments: [String]) async -> (status: Int32, stdout: String, stderr: String) {
    let result = await runKindlingCapturingBytes(arguments)
    return (result.status, result.output.text, result.stderr)
}

@Suite("kindling kv, in-process")
struct KVCommandTests {
    @Test("put, get, list, delete and namespace list on one directory")
    func roundTrip() async throws {
        try await withTemporaryDirectory { root in
            #expect(await runKindling(["kv", "key", "put", "count", "6", "--namespace", "counts", "--persist-to", root]).status == 0)
            #expect(
                await runKindling([
                    "kv", "key", "put", "b", "two", "--namespace", "counts", "--persist-to", root, "--metadata", #"{"v":1}"#,
                    "--expiration", "4102444800",
                ]).status == 0
            )
            let get = await runKindling(["kv", "key", "get", "count", "--namespace", "counts", "--persist-to", root])
            #expect(get.stdout == "6")
            let list = await runKindling(["kv", "key", "list", "--namespace", "counts", "--persist-to", root])
            #expect(
                list.stdout == """
                    [
                      {
                        "name": "b",
                        "expiration": 4102444800,
                        "metadata": {"v":1}
                      },
                      {
                        "name": "count"
                      }
                    ]

                    """
            )
            let namespaces = await runKindling(["kv", "namespace", "list", "--persist-to", root])
            #expect(namespaces.stdout.contains(#""id": "counts""#))
            #expect(namespaces.stdout.contains(#""table": "kv_counts""#))
            #expect(await runKindling(["kv", "key", "delete", "count", "--namespace", "counts", "--persist-to", root]).status == 0)
            let gone = await runKindling(["kv", "key", "get", "count", "--namespace", "counts", "--persist-to", root])
            #expect(gone.stdout == "Value not found\n")
        }
    }

    @Test("put --path stores a file byte for byte; --prefix narrows list")
    func putFromFile() async throws {
        try await withTemporaryDirectory { root in
            let file = root + "/blob.bin"
            let bytes = Data([0, 1, 2, 255, 254, 10, 0])
            #expect(FileManager.default.createFile(atPath: file, contents: bytes))
            for key in ["img/1", "img/2", "txt/1"] {
                #expect(await runKindling(["kv", "key", "put", key, "--path", file, "--namespace", "a", "--persist-to", root]).status == 0)
            }
            let get = await runKindlingCapturingBytes(["kv", "key", "get", "img/2", "--namespace", "a", "--persist-to", root])
            #expect(get.output.bytes == [UInt8](bytes))
            let list = await runKindling(["kv", "key", "list", "--prefix", "img/", "--namespace", "a", "--persist-to", root])
            #expect(list.stdout.contains("img/1") && list.stdout.contains("img/2") && !list.stdout.contains("txt/1"))
        }
    }

    @Test(
        "bad input exits non-zero with one line and writes nothing",
        arguments: [
            (["kv", "key", "put", "", "v", "--namespace", "n"], "Error: Key name cannot be empty."),
            (
                ["kv", "key", "put", "k", "v", "--namespace", "n", "--ttl", "30"],
                "Error: KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60."
            ),
            (
                ["kv", "key", "put", "k", "v", "--namespace", "n", "--metadata", "{oops"],
                "Error: --metadata must be JSON, e.g. --metadata '{\"author\":\"ann\"}'; got {oops"
            ),
            (
                ["kv", "key", "put", String(repeating: "k", count: 513), "v", "--namespace", "n"],
                "Error: KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."
            ),
            (["kv", "key", "put", "k", "--namespace", "n"], "Error: Give the value as an argument or with --path FILE."),
            (["kv", "key", "put", "k", "--path", "/no/such/file", "--namespace", "n"], "Error: Cannot read --path /no/such/file: no such file, or it is not readable."),
        ]
    )
    func badInput(arguments: [String], message: String) async throws {
        try await withTemporaryDirectory { root in
            #expect(await runKindling(["kv", "key", "put", "seed", "s", "--namespace", "n", "--persist-to", root]).status == 0)
            let result = await runKindling(arguments + ["--persist-to", root])
            #expect(result.status != 0)
            #expect(result.stderr.hasPrefix(message))
            #expect(!result.stderr.contains("\n") || result.stderr.hasPrefix("Error: Give the value"))
            let list = await runKindling(["kv", "key", "list", "--namespace", "n", "--persist-to", root])
            #expect(list.stdout.contains("\"seed\"") && !list.stdout.contains("\"k\""))
        }
    }

    @Test("reading from a missing directory or namespace names what is missing, and creates nothing")
    func missingThings() async throws {
        try await withTemporaryDirectory { root in
            let nowhere = root + "/nowhere"
            let noRoot = await runKindling(["kv", "key", "get", "k", "--namespace", "n", "--persist-to", nowhere])
            #expect(noRoot.status == 1)
            #expect(noRoot.stderr.hasPrefix("Error: No Kindling state at \(nowhere)"))
            #expect(!FileManager.default.fileExists(atPath: nowhere))
            _ = await runKindling(["kv", "key", "put", "k", "v", "--namespace", "counts", "--persist-to", root])
            let noNamespace = await runKindling(["kv", "key", "list", "--namespace", "typo", "--persist-to", root])
            #expect(noNamespace.stderr == "Error: No KV namespace \"typo\" in \(root); there are \"counts\".")
        }
    }
}
