import Foundation

/// One worker's configuration file (wrangler.toml, wrangler.json or wrangler.jsonc), read the way
/// wrangler reads it for local development: the keys Kindling runs, `[env.NAME]` sections,
/// secrets from `.dev.vars` or `.env` beside the file, and warnings for keys it does not know.
struct WranglerConfig: Sendable {
    /// A `[vars]` entry: a string stays text; anything else reaches the worker as parsed JSON.
    enum Variable: Sendable, Equatable {
        case text(String)
        case json(String)
    }

    struct KVNamespace: Sendable, Equatable {
        var binding: String
        /// The namespace name: `id`, falling back to the binding name.
        var namespace: String
    }

    struct Service: Sendable, Equatable {
        var binding: String
        var service: String
        var entrypoint: String?
    }

    /// The file, as given.
    var file: String
    /// The worker's name.
    var name: String
    /// The entry point, resolved against the file's directory.
    var main: String
    var compatibilityDate: String?
    var compatibilityFlags: [String] = []
    /// `[vars]` and then the secrets, in that order (a secret wins over a var of the same name).
    var vars: [(name: String, value: Variable)] = []
    var kvNamespaces: [KVNamespace] = []
    var services: [Service] = []
    var routes: [String] = []
    var crons: [String] = []
    /// Things worth telling the user that do not stop start-up (unknown keys, …).
    var warnings: [String] = []

    /// Reads and interprets `path`.
    /// - Parameter environment: the `[env.NAME]` section to apply (`--env`), if any.
    /// - Throws: ``CLIError`` naming the file (and the line, for syntax errors).
    static func load(_ path: String, environment: String? = nil) throws(CLIError) -> WranglerConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("Cannot read the config file \(path): no such file, or it is not readable.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("\(path): the file is not UTF-8 text.")
        }
        let document: ConfigValue =
            path.hasSuffix(".json") || path.hasSuffix(".jsonc")
            ? try JSONCReader.read(text, file: path)
            : try TOMLReader.read(text, file: path)
        var config = try WranglerConfig(document, file: path, environment: environment)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        for (name, value) in try DevVars.load(directory: directory, environment: environment) {
            config.vars.removeAll { $0.name == name }
            config.vars.append((name, .text(value)))
        }
        return config
    }

    /// Interprets a parsed document.
    init(_ document: ConfigValue, file: String, environment: String? = nil) throws(CLIError) {
        guard case .table = document else { throw CLIError("\(file): the top level must be a table of keys.") }
        self.file = file
        var reader = KeyReader(file: file, path: "")
        var section = document
        if let environment {
            guard let env = document["env"]?[environment], case .table = env else {
                throw CLIError(
                    "\(file): no environment named \"\(environment)\" (add an [env.\(environment)] section, "
                        + "or drop --env).")
            }
            section = env
            reader = KeyReader(file: file, path: "env.\(environment).")
            reader.warnUnknownKeys(in: env, known: Self.environmentKeys)
        }
        var top = KeyReader(file: file, path: "")
        top.warnUnknownKeys(in: document, known: Self.topLevelKeys)

        // Inheritable keys come from the environment when it sets them, else from the top level.
        func inherited(_ key: String) -> (ConfigValue, KeyReader)? {
            if let value = section[key] { return (value, reader) }
            if let value = document[key] { return (value, top) }
            return nil
        }
        guard let (nameValue, nameReader) = inherited("name") else {
            throw CLIError("\(file): \"name\" is missing; every worker needs one, e.g. name = \"my-worker\".")
        }
        name = try nameReader.string(nameValue, "name")
        guard let (mainValue, mainReader) = inherited("main") else {
            throw CLIError(
                "\(file): Missing entry-point: set \"main\" to the worker's script, e.g. main = \"src/index.js\".")
        }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        main = directory.appendingPathComponent(try mainReader.string(mainValue, "main")).standardizedFileURL.path
        if let (value, keyReader) = inherited("compatibility_date") {
            let date = try keyReader.string(value, "compatibility_date")
            guard date.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else {
                throw CLIError("\(file): compatibility_date must look like \"2024-09-23\", got \"\(date)\".")
            }
            compatibilityDate = date
        }
        if let (value, keyReader) = inherited("compatibility_flags") {
            compatibilityFlags = try keyReader.strings(value, "compatibility_flags")
        }
        if let (value, keyReader) = inherited("route") {
            routes += [try keyReader.route(value, "route")]
        }
        if let (value, keyReader) = inherited("routes") {
            routes += try keyReader.array(value, "routes").enumerated().map { index, item throws(CLIError) in
                try keyReader.route(item, "routes[\(index)]")
            }
        }
        // Miniflare 2 read routes from a [miniflare] section too.
        if let miniflare = document["miniflare"] {
            if let value = miniflare["route"] { routes += [try top.route(value, "miniflare.route")] }
            if let value = miniflare["routes"] {
                routes += try top.array(value, "miniflare.routes").enumerated().map { index, item throws(CLIError) in
                    try top.route(item, "miniflare.routes[\(index)]")
                }
            }
        }
        if let (value, keyReader) = inherited("triggers"), let crons = value["crons"] {
            self.crons = try keyReader.strings(crons, "triggers.crons")
        }

        // Bindings are not inherited: an environment has exactly the bindings it declares.
        if let value = section["vars"] {
            guard case .table(let entries) = value else {
                throw reader.wrongType("vars", expected: "a table", got: value)
            }
            vars = entries.map { entry in
                if case .string(let text) = entry.value { return (entry.key, .text(text)) }
                return (entry.key, .json(entry.value.jsonText))
            }
        }
        if let value = section["kv_namespaces"] {
            kvNamespaces = try reader.array(value, "kv_namespaces").enumerated().map { index, item throws(CLIError) in
                let path = "kv_namespaces[\(index)]"
                let binding = try reader.requiredString(item, "binding", in: path)
                let id = try item["id"].map { value throws(CLIError) in try reader.string(value, path + ".id") }
                return KVNamespace(binding: binding, namespace: id ?? binding)
            }
        }
        if let value = section["services"] {
            services = try reader.array(value, "services").enumerated().map { index, item throws(CLIError) in
                let path = "services[\(index)]"
                return Service(
                    binding: try reader.requiredString(item, "binding", in: path),
                    service: try reader.requiredString(item, "service", in: path),
                    entrypoint: try item["entrypoint"].map { value throws(CLIError) in
                        try reader.string(value, path + ".entrypoint")
                    }
                )
            }
        }
        warnings = top.warnings + (environment == nil ? [] : reader.warnings)
    }

    /// Keys wrangler knows at the top level, with whether Kindling uses them.
    static let topLevelKeys: [String: Bool] = environmentKeys.merging(
        ["env": true, "miniflare": true, "$schema": false, "keep_vars": false, "send_metrics": false,
         "dev": false, "site": false, "legacy_env": false],
        uniquingKeysWith: { a, _ in a }
    )

    /// Keys an `[env.NAME]` section may hold, with whether Kindling uses them.
    static let environmentKeys: [String: Bool] = [
        "name": true, "main": true, "compatibility_date": true, "compatibility_flags": true, "vars": true,
        "kv_namespaces": true, "services": true, "route": true, "routes": true, "triggers": true,
        "account_id": false, "workers_dev": false, "preview_urls": false, "build": false, "rules": false,
        "no_bundle": false, "find_additional_modules": false, "base_dir": false, "preserve_file_names": false,
        "minify": false, "node_compat": false, "upload_source_maps": false, "observability": false,
        "logpush": false, "limits": false, "placement": false, "usage_model": false, "tsconfig": false,
        "jsx_factory": false, "jsx_fragment": false, "define": false, "alias": false, "assets": false,
        "durable_objects": false, "migrations": false, "d1_databases": false, "r2_buckets": false,
        "queues": false, "workflows": false, "analytics_engine_datasets": false, "hyperdrive": false,
        "vectorize": false, "ai": false, "browser": false, "mtls_certificates": false, "tail_consumers": false,
        "dispatch_namespaces": false, "unsafe": false, "send_email": false, "version_metadata": false,
        "wasm_modules": false, "text_blobs": false, "data_blobs": false, "secrets_store_secrets": false,
    ]
}
