import Foundation
import KindlingRuntime
import Testing

@Suite("Modules (bundled by esbuild)")
struct ModuleTests {
    @Test("default, named and re-exports are read from the entry")
    func exportForms() async throws {
        let files = [
            "index.js": """
                export default { fetch() {}, scheduled() {} };
                export const answer = 42;
                export function helper() { return "helped" }
                export { shout as loud } from "./util.js";
                export * from "./more.js";
                """,
            "util.js": "export const shout = (s) => s.toUpperCase() + '!';",
            "more.js": "export class Thing { run() {} }",
        ]
        try await withWorker(files) { isolate, exports async throws in
            #expect(exports.format == .modules)
            #expect(exports.exports.keys.sorted() == ["Thing", "answer", "default", "helper", "loud"])
            #expect(exports["default"]?.kind == .object)
            #expect(exports["default"]?.methods == ["fetch", "scheduled"])
            #expect(exports["answer"]?.kind == .value)
            #expect(exports["Thing"]?.kind == .class)
            #expect(exports["Thing"]?.methods == ["run"])
            #expect(try await isolate.call("", export: "loud", arguments: ["hi"]) == "HI!")
            #expect(try await isolate.call("", export: "helper") == "helped")
        }
    }

    @Test("import * as, circular imports and a live let binding behave as ES modules")
    func moduleSemantics() async throws {
        let files = [
            "index.js": """
                import * as counter from "./counter.js";
                import { isEven } from "./even.js";
                export default {
                  run() {
                    const before = counter.count;
                    counter.increment();
                    counter.increment();
                    return [before, counter.count, Object.keys(counter).sort().join(","), isEven(10), isEven(7)];
                  }
                };
                """,
            "counter.js": "export let count = 0;\nexport function increment() { count++; }",
            "even.js": "import { isOdd } from './odd.js';\nexport function isEven(n) { return n === 0 ? true : isOdd(n - 1); }",
            "odd.js": "import { isEven } from './even.js';\nexport function isOdd(n) { return n === 0 ? false : isEven(n - 1); }",
        ]
        try await withWorker(files) { isolate, _ async throws in
            #expect(try await isolate.call("run") == [0, 2, "count,increment", true, false])
        }
    }

    @Test("a TypeScript entry with JSON, text, HTML and binary modules")
    func typeScriptAndLoaders() async throws {
        let files = [
            "src/index.ts": """
                import config from "./config.json";
                import { name } from "./config.json";
                import greeting from "./greeting.txt";
                import page from "./page.html";
                import data from "./data.bin";
                interface Summary { name: string; size: number }
                const summary = (size: number): Summary => ({ name, size });
                export default {
                  run(): unknown[] { return [config.version, summary(2).name, greeting, page, Array.from(data as Uint8Array)]; }
                };
                """,
            "src/config.json": #"{"name": "demo", "version": 3}"#,
            "src/greeting.txt": "hello\n",
            "src/page.html": "<p>hi</p>",
            "src/data.bin": "AB",
        ]
        try await withWorker(files, entry: "src/index.ts") { isolate, _ async throws in
            #expect(try await isolate.call("run") == [3, "demo", "hello\n", "<p>hi</p>", [65, 66]])
        }
    }

    @Test("a package from node_modules is bundled, honouring its exports map")
    func nodeModulesPackage() async throws {
        let files = [
            "index.js": "import { slugify } from 'tiny-slug';\nimport pad from 'tiny-slug/pad';\nexport default { run: () => pad(slugify('Hello World')) };",
            "node_modules/tiny-slug/package.json": """
                {"name": "tiny-slug", "version": "1.0.0", "type": "module",
                 "exports": {".": {"workerd": "./worker.js", "default": "./node.js"}, "./pad": "./pad.js"}}
                """,
            "node_modules/tiny-slug/worker.js": "export const slugify = (s) => 'w:' + s.toLowerCase().replace(/ /g, '-');",
            "node_modules/tiny-slug/node.js": "export const slugify = () => 'the node build';",
            "node_modules/tiny-slug/pad.js": "export default (s) => `[${s}]`;",
        ]
        try await withWorker(files) { isolate, _ async throws in
            #expect(try await isolate.call("run") == "[w:hello-world]")
        }
    }

    @Test("cloudflare:workers classes and env can be imported; import.meta.url is the entry's file URL")
    func cloudflareWorkers() async throws {
        let files = [
            "index.js": """
                import { WorkerEntrypoint, DurableObject, WorkflowEntrypoint, RpcTarget, env } from "cloudflare:workers";
                export class Api extends WorkerEntrypoint { greet(name) { return `${this.env.GREETING}, ${name}`; } }
                export class Counter extends DurableObject {}
                export class Flow extends WorkflowEntrypoint { async run() {} }
                export class Thing extends RpcTarget {}
                export default {
                  run() { return [typeof WorkerEntrypoint, env.GREETING, import.meta.url.startsWith("file:///"), import.meta.url.endsWith("/index.js")]; }
                };
                """
        ]
        let configuration = IsolateConfiguration(name: "test", environment: ["GREETING": "Hello"])
        try await withWorker(files, configuration: configuration) { isolate, exports async throws in
            #expect(exports["Api"]?.baseClass == "WorkerEntrypoint")
            #expect(exports["Api"]?.methods == ["greet"])
            #expect(exports["Counter"]?.baseClass == "DurableObject")
            #expect(exports["Flow"]?.baseClass == "WorkflowEntrypoint")
            #expect(exports["Thing"]?.baseClass == "RpcTarget")
            #expect(try await isolate.call("run") == ["function", "Hello", true, true])
            #expect(try await isolate.call("greet", export: "Api", arguments: ["Ada"]) == "Hello, Ada")
        }
    }

    @Test("importing an unknown built-in fails at load with a clear message")
    func unknownBuiltin() async throws {
        try await withProject(["index.js": "import fs from 'node:fs';\nexport default { fetch() {} };"]) { root async throws in
            try await withIsolate { isolate async throws in
                let error = try await #require(throws: ScriptError.self) { try await isolate.load(.file(root + "/index.js")) }
                #expect(error.message.hasPrefix(#"No such module "node:fs"."#))
            }
        }
    }

    @Test("a script given as a string goes through the same bundling and may import files")
    func stringScript() async throws {
        try await withProject(["lib.js": "export const two = 2;"]) { root async throws in
            try await withIsolate { isolate async throws in
                let source = WorkerSource.script(
                    "import { two } from './lib.js';\nexport default { run: () => two * 21 };", name: "inline.js",
                    directory: root)
                _ = try await isolate.load(source)
                #expect(try await isolate.call("run") == 42)
            }
        }
    }

    @Test("a TypeScript script given as a string is compiled as TypeScript")
    func typeScriptString() async throws {
        try await withIsolate { isolate async throws in
            let source = WorkerSource.script(
                "type N = number;\nconst twice = (n: N): N => n * 2;\nexport default { run: (): N => twice(21) };", name: "worker.ts")
            _ = try await isolate.load(source)
            #expect(try await isolate.call("run") == 42)
        }
    }

    @Test("an error thrown inside a node_modules package names the package's file in the stack")
    func packageFrames() async throws {
        let files = [
            "index.js": "import { explode } from 'boom';\nexport default { run() { return explode(); } };",
            "node_modules/boom/package.json": #"{"name": "boom", "main": "lib/index.js"}"#,
            "node_modules/boom/lib/index.js": "exports.explode = function explode() {\n  throw new Error('kaboom');\n};",
        ]
        try await withWorker(files) { isolate, _ async throws in
            let error = try await #require(throws: ScriptError.self) { try await isolate.call("run") }
            #expect(error.message == "kaboom")
            #expect(error.sourceURL == "node_modules/boom/lib/index.js")
            #expect(error.line == 2)
            #expect(error.stack.contains("(index.js:2:"))
        }
    }

    @Test("a service-worker script (which may import) is detected and sees env bindings as globals")
    func serviceWorkerFormat() async throws {
        let files = [
            "sw.js": "import { from } from './from.js';\naddEventListener('fetch', (event) => event.respondWith(new Response(GREETING + from(event.request))));\naddEventListener('scheduled', () => {});",
            "from.js": "export const from = (request) => ' from ' + new URL(request.url).pathname;",
        ]
        let configuration = IsolateConfiguration(name: "test", environment: ["GREETING": "hi"])
        try await withWorker(files, entry: "sw.js", configuration: configuration) { isolate, exports async throws in
            #expect(exports.format == .serviceWorker)
            #expect(exports.listeners == ["fetch", "scheduled"])
            let response = try await isolate.fetch(WorkerRequest(url: "http://localhost/path"))
            #expect(response.text == "hi from /path")
        }
    }

    @Test("a service worker's scheduled listener gets the cron and time; a fetch listener that never responds fails clearly")
    func serviceWorkerEvents() async throws {
        let files = [
            "sw.js": """
                let seen = [];
                addEventListener("scheduled", (event) => { seen.push(event.cron, event.scheduledTime); event.waitUntil(Promise.resolve()); });
                addEventListener("fetch", (event) => {
                  if (new URL(event.request.url).pathname === "/seen") event.respondWith(Response.json(seen));
                });
                """
        ]
        try await withWorker(files, entry: "sw.js") { isolate, _ async throws in
            try await isolate.scheduled(cron: "0 * * * *", scheduledTime: 42)
            #expect(try await isolate.fetch(WorkerRequest(url: "http://x/seen")).text == #"["0 * * * *",42]"#)
            let error = try await #require(throws: ScriptError.self) { try await isolate.fetch(WorkerRequest(url: "http://x/other")) }
            #expect(error.message == #"No response! The "fetch" event listener did not call respondWith()."#)
        }
    }

    @Test("a syntax error is reported at load with file, line and column")
    func syntaxErrorPosition() async throws {
        let files = ["src/index.js": "import './ok.js';\nexport default {};", "src/ok.js": "let a = 1;\nlet b c;\n"]
        try await withProject(files) { root async throws in
            let error = try await #require(throws: RuntimeError.self) {
                try await Bundler().bundle(.file(root + "/src/index.js", rootDirectory: root))
            }
            #expect(error.code == .bundleFailed)
            #expect(error.message == #"Expected ";" but found "c""#)
            #expect(error.file == "src/ok.js")
            #expect(error.line == 2)
            #expect(error.column == 7)
        }
    }

    @Test("an unresolved import names the importing file and line")
    func unresolvedImport() async throws {
        try await withProject(["index.js": "// top\nimport x from './missing.js';\nexport default x;"]) { root async throws in
            let error = try await #require(throws: RuntimeError.self) { try await Bundler().bundle(.file(root + "/index.js")) }
            #expect(error.message == #"Could not resolve "./missing.js""#)
            #expect(error.file == "index.js")
            #expect(error.line == 2)
        }
    }

    @Test("a missing esbuild is a load error that says how to fix it")
    func esbuildMissing() async throws {
        let bundler = Bundler(esbuildPath: "/nonexistent/esbuild")
        let error = try await #require(throws: RuntimeError.self) { try await bundler.bundle(.script("export default {}")) }
        #expect(error.code == .bundleFailed)
        #expect(error.message.hasPrefix("esbuild was not found at /nonexistent/esbuild"))
        #expect(error.file == "worker.js")
    }

    @Test("an isolate loads one worker")
    func loadOnce() async throws {
        try await withWorker(["index.js": "export default {}"]) { isolate, _ async throws in
            let error = try await #require(throws: RuntimeError.self) { try await isolate.load(.script("export default {}")) }
            #expect(error.code == .invalidArgument)
        }
    }
}
