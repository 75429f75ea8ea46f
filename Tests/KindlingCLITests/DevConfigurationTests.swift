import Foundation
import Kindling
import KindlingTesting
import Testing

@testable import KindlingCLI

/// `kindling dev`'s flags and config files, turned into Kindling options.
@Suite("kindling dev configuration")
struct DevConfigurationTests {
    func write(_ files: [String: String], in directory: String) throws {
        for (name, text) in files {
            let path = directory + "/" + name
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        }
    }

    @Test("the two example configs: first is primary, same namespace under two bindings, vars as text")
    func acceptanceExample() async throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/counter").path
        let configuration = DevConfiguration(
            configFiles: [examples + "/worker/wrangler.toml", examples + "/incrementer/wrangler.toml"],
            environment: nil, mounts: [], host: "127.0.0.1", port: 8787, persistTo: ".kindling", kvPersist: nil
        )
        let (options, warnings) = try configuration.options()
        #expect(warnings.isEmpty)
        #expect(options.persistence == .directory(".kindling"))
        #expect(options.workers.map(\.name) == ["worker", "incrementer"])
        let worker = options.workers[0]
        #expect(worker.scriptPath == examples + "/worker/src/index.js")
        #expect(worker.kvNamespaces == ["COUNTS": "counts"])
        #expect(worker.bindings == ["MESSAGE": .text("The count is ")])
        guard case .worker("incrementer")? = worker.serviceBindings["INCREMENTER"] else {
            Issue.record("INCREMENTER should bind worker incrementer")
            return
        }
        #expect(options.workers[1].kvNamespaces == ["NUMBERS": "counts"])
        #expect(options.workers[1].scriptPath == examples + "/incrementer/incrementer.js")
    }

    @Test("--mount name=dir@env names the worker after the mount and applies the environment")
    func mounts() async throws {
        try await withTemporaryDirectory { root in
            try write([
                "api/wrangler.toml": "name = \"ignored\"\nmain = \"api.js\"\n[env.staging]\nroutes = [\"api.test/*\"]\n",
                "site/wrangler.jsonc": "{ \"name\": \"site\", \"main\": \"site.js\" }",
            ], in: root)
            let configuration = DevConfiguration(
                configFiles: [], environment: nil,
                mounts: [
                    try DevConfiguration.Mount(argument: "site=\(root)/site"),
                    try DevConfiguration.Mount(argument: "api=\(root)/api@staging"),
                ],
                host: "0.0.0.0", port: 0, persistTo: nil, kvPersist: root + "/kv"
            )
            let (options, _) = try configuration.options()
            #expect(options.workers.map(\.name) == ["site", "api"])
            #expect(options.workers[1].routes == ["api.test/*"])
            #expect(options.persistence == .temporary)
            #expect(options.kvPersist == .directory(root + "/kv"))
            #expect(options.host == "0.0.0.0")
        }
    }

    @Test("bad --mount arguments and missing config files are one-line errors")
    func badInput() async throws {
        #expect(throws: CLIError.self) { try DevConfiguration.Mount(argument: "nodir") }
        #expect(throws: CLIError.self) { try DevConfiguration.Mount(argument: "=dir") }
        try await withTemporaryDirectory { root in
            do {
                _ = try DevConfiguration.configFile(in: root, for: "--mount x")
                Issue.record("expected an error")
            } catch {
                #expect("\(error)" == "No wrangler.json, wrangler.jsonc or wrangler.toml in \(root) (for --mount x).")
            }
        }
    }

    @Test("a bare --kv-persist gets the default directory; one with a value keeps it")
    func kvPersistFlag() {
        #expect(DevCommand.normalize(["dev", "--kv-persist"]) == ["dev", "--kv-persist", ".kindling"])
        #expect(DevCommand.normalize(["dev", "--kv-persist", "--port", "1"]) == ["dev", "--kv-persist", ".kindling", "--port", "1"])
        #expect(DevCommand.normalize(["dev", "--kv-persist", "state"]) == ["dev", "--kv-persist", "state"])
        #expect(DevCommand.normalize(["dev", "--kv-persist=state"]) == ["dev", "--kv-persist=state"])
    }
}
