import Foundation
import Kindling

/// Turns `kindling dev`'s config files and flags into ``KindlingOptions``: one worker per `-c`
/// file (the first is primary) and per `--mount`, with their bindings, routes and crons.
struct DevConfiguration {
    /// A `--mount name=dir[@env]` argument, as Miniflare 2 took it.
    struct Mount: Equatable {
        var name: String
        var directory: String
        var environment: String?

        /// Parses `name=dir` or `name=dir@env`.
        init(argument: String) throws(CLIError) {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
                argument.index(after: equals) != argument.endIndex
            else {
                throw CLIError("--mount takes name=directory (optionally name=directory@env), got \"\(argument)\".")
            }
            name = String(argument[..<equals])
            var rest = argument[argument.index(after: equals)...]
            if let at = rest.lastIndex(of: "@") {
                environment = String(rest[rest.index(after: at)...])
                rest = rest[..<at]
            }
            directory = String(rest)
        }
    }

    var configFiles: [String]
    var environment: String?
    var mounts: [Mount]
    var host: String
    var port: Int
    var persistTo: String?
    var kvPersist: String?

    /// The options, and the warnings the config files gave.
    func options() throws(CLIError) -> (options: KindlingOptions, warnings: [String]) {
        var configs: [WranglerConfig] = []
        for file in configFiles {
            configs.append(try WranglerConfig.load(file, environment: environment))
        }
        for mount in mounts {
            var config = try WranglerConfig.load(
                try Self.configFile(in: mount.directory, for: "--mount \(mount.name)"),
                environment: mount.environment
            )
            config.name = mount.name
            configs.append(config)
        }
        guard !configs.isEmpty else {
            throw CLIError("No worker to run: pass -c wrangler.toml, or run kindling dev where a wrangler.toml is.")
        }
        let options = KindlingOptions(
            host: host,
            port: port,
            persistence: persistTo.map { .directory($0) } ?? .temporary,
            kvPersist: kvPersist.map { .directory($0) },
            workers: configs.map(Self.workerOptions),
            runsCronTriggers: true
        )
        return (options, configs.flatMap(\.warnings))
    }

    /// The worker a config file describes.
    static func workerOptions(_ config: WranglerConfig) -> WorkerOptions {
        var bindings: [String: WorkerOptions.Binding] = [:]
        for (name, value) in config.vars {
            switch value {
            case .text(let text): bindings[name] = .text(text)
            case .json(let json): bindings[name] = .json(json)
            }
        }
        var services: [String: ServiceBinding] = [:]
        for service in config.services {
            services[service.binding] =
                service.entrypoint.map { .entrypoint(worker: service.service, entrypoint: $0) } ?? .worker(service.service)
        }
        return WorkerOptions(
            name: config.name,
            scriptPath: config.main,
            compatibilityDate: config.compatibilityDate,
            compatibilityFlags: config.compatibilityFlags,
            bindings: bindings,
            kvNamespaces: Dictionary(config.kvNamespaces.map { ($0.binding, $0.namespace) }, uniquingKeysWith: { $1 }),
            serviceBindings: services,
            routes: config.routes,
            crons: config.crons
        )
    }

    /// The config file wrangler would pick in `directory`: wrangler.json, wrangler.jsonc, then wrangler.toml.
    static func configFile(in directory: String, for purpose: String) throws(CLIError) -> String {
        for name in ["wrangler.json", "wrangler.jsonc", "wrangler.toml"] {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw CLIError("No wrangler.json, wrangler.jsonc or wrangler.toml in \(directory) (for \(purpose)).")
    }
}
