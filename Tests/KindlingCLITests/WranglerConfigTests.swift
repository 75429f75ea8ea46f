import Foundation
@testable import KindlingCLI
import KindlingTesting
import Testing

/// wrangler.toml / wrangler.json / wrangler.jsonc, read as wrangler reads them for local dev.
@Suite("Config files")
struct WranglerConfigTests {
    /// Writes `files` (name → text) into a fresh directory and loads `config` from it.
    func load(
        _ files: [String: String],
        config: String = "wrangler.toml",
        environment: String? = nil
    ) async throws -> WranglerConfig {
        try await withTemporaryDirectory { directory in
            for (name, text) in files {
                #expect(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(text.utf8)))
            }
            return try WranglerConfig.load(directory + "/" + config, environment: environment)
        }
    }

    func loadError(_ files: [String: String], config: String = "wrangler.toml", environment: String? = nil) async
        -> String?
    {
        do {
            _ = try await load(files, config: config, environment: environment)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("the acceptance example's two workers, in TOML")
    func acceptanceExample() async throws {
        let worker = try await load([
            "wrangler.toml": """
                name = "worker"
                main = "src/index.js"
                compatibility_date = "2024-09-23"
                compatibility_flags = ["nodejs_compat"]
                kv_namespaces = [{ binding = "COUNTS", id = "counts" }]
                services = [
                  { binding = "INCREMENTER", service = "incrementer" },
                  { binding = "ADMIN", service = "incrementer", entrypoint = "Admin" },
                ]
                [vars]
                MESSAGE = "The count is "
                LIMITS = { max = 3, names = ["a", "b"] }
                """,
        ])
        #expect(worker.name == "worker")
        #expect(worker.main.hasSuffix("/src/index.js"))
        #expect(worker.main.hasPrefix("/"))
        #expect(worker.compatibilityDate == "2024-09-23")
        #expect(worker.compatibilityFlags == ["nodejs_compat"])
        #expect(worker.kvNamespaces == [.init(binding: "COUNTS", namespace: "counts")])
        #expect(worker.services == [
            .init(binding: "INCREMENTER", service: "incrementer", entrypoint: nil),
            .init(binding: "ADMIN", service: "incrementer", entrypoint: "Admin"),
        ])
        #expect(worker.vars.map(\.name) == ["LIMITS", "MESSAGE"] || worker.vars.map(\.name) == ["MESSAGE", "LIMITS"])
        #expect(worker.vars.first { $0.name == "MESSAGE" }?.value == .text("The count is "))
        #expect(worker.vars.first { $0.name == "LIMITS" }?.value == .json(#"{"max":3,"names":["a","b"]}"#))
        #expect(worker.warnings.isEmpty)
    }

    @Test("a KV namespace without an id is named after its binding")
    func namespaceFallsBackToBinding() async throws {
        let config = try await load(["wrangler.toml": "name = \"a\"\nmain = \"i.js\"\nkv_namespaces = [{ binding = \"NUMBERS\" }]"])
        #expect(config.kvNamespaces == [.init(binding: "NUMBERS", namespace: "NUMBERS")])
    }

    @Test("routes in every form: route, routes of strings and tables, custom domains, [miniflare]")
    func routes() async throws {
        let single = try await load(["wrangler.toml": "name = \"a\"\nmain = \"i.js\"\nroute = \"example.com/*\""])
        #expect(single.routes == ["example.com/*"])
        let table = try await load([
            "wrangler.toml": #"name = "a"\#nmain = "i.js"\#nroute = { pattern = "example.com/api/*", zone_name = "example.com" }"#,
        ])
        #expect(table.routes == ["example.com/api/*"])
        let many = try await load([
            "wrangler.toml": """
                name = "a"
                main = "i.js"
                routes = [
                  "a.example.com/*",
                  { pattern = "b.example.com/x*", zone_id = "abc" },
                  { pattern = "shop.example.com", custom_domain = true },
                ]
                [miniflare]
                route = "localhost/mf*"
                """,
        ])
        #expect(many.routes == ["a.example.com/*", "b.example.com/x*", "shop.example.com/*", "localhost/mf*"])
    }

    @Test("triggers.crons")
    func crons() async throws {
        let config = try await load([
            "wrangler.toml": "name = \"a\"\nmain = \"i.js\"\n[triggers]\ncrons = [\"*/5 * * * *\", \"0 0 * * 1\"]",
        ])
        #expect(config.crons == ["*/5 * * * *", "0 0 * * 1"])
    }

    @Test("--env: inheritable keys fall back to the top level, bindings do not")
    func environments() async throws {
        let files = [
            "wrangler.toml": """
                name = "a"
                main = "i.js"
                compatibility_date = "2024-01-01"
                routes = ["example.com/*"]
                kv_namespaces = [{ binding = "KV", id = "prod" }]
                [vars]
                STAGE = "production"
                [env.staging]
                routes = ["staging.example.com/*"]
                kv_namespaces = [{ binding = "KV", id = "staging-kv" }]
                [env.staging.vars]
                STAGE = "staging"
                [env.bare]
                """,
        ]
        let staging = try await load(files, environment: "staging")
        #expect(staging.name == "a")
        #expect(staging.compatibilityDate == "2024-01-01")
        #expect(staging.routes == ["staging.example.com/*"])
        #expect(staging.kvNamespaces == [.init(binding: "KV", namespace: "staging-kv")])
        #expect(staging.vars.map(\.value) == [.text("staging")])
        let bare = try await load(files, environment: "bare")
        #expect(bare.routes == ["example.com/*"])
        #expect(bare.kvNamespaces.isEmpty)
        #expect(bare.vars.isEmpty)
        let missing = await loadError(files, environment: "prod")
        #expect(missing?.hasSuffix(#"wrangler.toml: no environment named "prod" (add an [env.prod] section, or drop --env)."#) == true)
    }

    @Test("wrangler.json and wrangler.jsonc (comments, trailing commas) read the same keys")
    func jsonFormats() async throws {
        let jsonc = try await load(
            [
                "wrangler.jsonc": """
                    // The worker
                    {
                      "name": "worker", /* inline */
                      "main": "src/index.ts",
                      "kv_namespaces": [{ "binding": "COUNTS", "id": "counts", },],
                      "vars": { "MESSAGE": "The count is \\u00e9 \\ud83d\\ude00", "N": 3, "OBJ": {"b": [1, 2.5, null, true]} },
                    }
                    """,
            ],
            config: "wrangler.jsonc"
        )
        #expect(jsonc.name == "worker")
        #expect(jsonc.main.hasSuffix("/src/index.ts"))
        #expect(jsonc.kvNamespaces == [.init(binding: "COUNTS", namespace: "counts")])
        #expect(jsonc.vars.map(\.name) == ["MESSAGE", "N", "OBJ"])
        #expect(jsonc.vars.map(\.value) == [.text("The count is é 😀"), .json("3"), .json(#"{"b":[1,2.5,null,true]}"#)])
        let json = try await load(["wrangler.json": #"{"name": "a", "main": "i.js", "routes": ["x.com/*"]}"#], config: "wrangler.json")
        #expect(json.routes == ["x.com/*"])
    }

    @Test(
        "a malformed file names the file, line and column",
        arguments: [
            ("wrangler.toml", "name = \"a\"\nmain = \"i.js\"\nvars = { A = }\n", "wrangler.toml:3:"),
            ("wrangler.jsonc", "{\n  \"name\": \"a\",\n  \"main\": i.js\n}", "wrangler.jsonc:3:11: unexpected \"i\", expected a value (strings need double quotes)"),
            ("wrangler.json", "{\n  \"name\": \"a\"\n  \"main\": \"i.js\"\n}", "wrangler.json:3:3: expected \",\" or \"}\" after a value, found \"\"\""),
            ("wrangler.json", "{\"a\": trueish}", "wrangler.json:1:7: unexpected \"t\", expected a value (strings need double quotes)"),
            ("wrangler.jsonc", "{\"a\": 1 /* open", "wrangler.jsonc:1:9: a /* comment that never ends"),
            ("wrangler.json", "{\"name\": \"a\", \"name\": \"b\"}", "wrangler.json:1:15: duplicate key \"name\""),
        ]
    )
    func malformed(file: String, text: String, message: String) async throws {
        let error = try #require(await loadError([file: text], config: file))
        #expect(error.contains("/" + message), "\(error)")
        #expect(!error.contains("\n"))
    }

    @Test(
        "wrong or missing keys are errors that say what to write",
        arguments: [
            ("main = \"i.js\"", #"wrangler.toml: "name" is missing; every worker needs one, e.g. name = "my-worker"."#),
            ("name = \"a\"", #"wrangler.toml: Missing entry-point: set "main" to the worker's script, e.g. main = "src/index.js"."#),
            ("name = 3\nmain = \"i.js\"", "wrangler.toml: name must be a string, got an integer."),
            ("name = \"a\"\nmain = \"i.js\"\nkv_namespaces = [{ id = \"x\" }]", "wrangler.toml: kv_namespaces[0] is missing \"binding\"."),
            ("name = \"a\"\nmain = \"i.js\"\nservices = [{ binding = \"S\" }]", "wrangler.toml: services[0] is missing \"service\"."),
            ("name = \"a\"\nmain = \"i.js\"\ncompatibility_date = \"yesterday\"", #"wrangler.toml: compatibility_date must look like "2024-09-23", got "yesterday"."#),
            ("name = \"a\"\nmain = \"i.js\"\nvars = [1]", "wrangler.toml: vars must be a table, got an array."),
        ]
    )
    func invalidKeys(text: String, message: String) async throws {
        let error = try #require(await loadError(["wrangler.toml": text]))
        #expect(error.hasSuffix("/" + message), "\(error)")
    }

    @Test("unknown keys and keys Kindling does not run yet are warnings, not errors")
    func warnings() async throws {
        let config = try await load([
            "wrangler.toml": "name = \"a\"\nmain = \"i.js\"\nmian = \"typo\"\n[[d1_databases]]\nbinding = \"DB\"\n",
        ])
        #expect(config.warnings.count == 2)
        #expect(config.warnings.contains { $0.hasSuffix(#"wrangler.toml: unknown key "mian" (ignored)."#) })
        #expect(config.warnings.contains { $0.hasSuffix(#"wrangler.toml: "d1_databases" is not supported by Kindling yet (ignored)."#) })
    }

    @Test("secrets from .dev.vars override vars; .env is read only when there is no .dev.vars")
    func secrets() async throws {
        let toml = "name = \"a\"\nmain = \"i.js\"\n[vars]\nTOKEN = \"public\"\nOTHER = \"x\"\n"
        let withDevVars = try await load([
            "wrangler.toml": toml,
            ".dev.vars": "# comment\nTOKEN=secret\nexport QUOTED=\"two\\nlines\"\nSINGLE='$literal # not a comment'\nBARE = spaced value # comment\n",
            ".env": "FROM_ENV=1\n",
        ])
        #expect(withDevVars.vars.map(\.name) == ["OTHER", "TOKEN", "QUOTED", "SINGLE", "BARE"])
        #expect(withDevVars.vars.map(\.value) == [
            .text("x"), .text("secret"), .text("two\nlines"), .text("$literal # not a comment"), .text("spaced value"),
        ])
        let withEnv = try await load(["wrangler.toml": toml, ".env": "FROM_ENV=1\n"])
        #expect(withEnv.vars.last?.name == "FROM_ENV")
        let broken = await loadError(["wrangler.toml": toml, ".dev.vars": "OK=1\nnot a pair\n"])
        #expect(broken?.hasSuffix(#"/.dev.vars:2: expected KEY=value, got "not a pair"."#) == true)
    }
}
