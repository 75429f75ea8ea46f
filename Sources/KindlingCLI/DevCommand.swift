import ArgumentParser
import Foundation
import Kindling

/// `kindling dev`: run workers from their config files and serve them over HTTP, like
/// `wrangler dev` and Miniflare's CLI.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run workers locally from wrangler.toml / wrangler.json(c) and serve them over HTTP.",
        discussion: """
            The first -c file is the primary worker: it gets the requests no route matches. \
            Service bindings name other workers by their "name". State lives in --persist-to \
            (kindling.sqlite, readable with sqlite3); without it, in a temporary directory.
            """
    )

    @Option(
        name: [.customShort("c"), .customLong("config")],
        help: ArgumentHelp("A worker's config file; repeat for several workers (default: ./wrangler.toml).", valueName: "file")
    )
    var configFiles: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp("The [env.NAME] section to apply to every -c file.", valueName: "name"))
    var environment: String?

    @Option(
        name: .customLong("mount"),
        help: ArgumentHelp("Run the worker configured in dir as name (Miniflare 2's --mount).", valueName: "name=dir[@env]")
    )
    var mounts: [String] = []

    @Option(name: .customLong("port"), help: "The port to listen on.")
    var port: Int = 8787

    @Option(name: .customLong("host"), help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(
        name: .customLong("persist-to"),
        help: ArgumentHelp("Keep every kind of state in this directory (kindling.sqlite).", valueName: "dir")
    )
    var persistTo: String?

    @Option(
        name: .customLong("kv-persist"),
        help: ArgumentHelp(
            "Keep KV namespaces in this directory (alone, --kv-persist means .kindling).", valueName: "dir")
    )
    var kvPersist: String?

    func run() async throws {
        // Log lines are written by a queue (StandardErrorWriter); what is queued leaves before the process does.
        defer { StandardErrorWriter.shared.flush() }
        let (options, warnings) = try devConfiguration().options()
        for warning in warnings { StandardErrorWriter.shared.write("Warning: \(warning)\n") }
        let kindling: Kindling
        do {
            kindling = try await Kindling(options, logger: ConsoleLog.logger())
        } catch let error as KindlingError {
            throw CLIError(error.message)
        } catch {
            throw CLIError("\(error)")
        }
        let names = options.workers.map(\.name).joined(separator: ", ")
        Output.current.line("Ready on \(kindling.url ?? "") (workers: \(names))")
        // Finish in-flight requests and close the database cleanly on Ctrl-C or `kill`.
        await Signals.wait(for: [SIGINT, SIGTERM])
        Output.current.line("Shutting down…")
        await kindling.dispose()
    }

    /// Miniflare's `--kv-persist` may stand alone; ArgumentParser needs a value, so a bare flag
    /// is given the default directory before parsing.
    static func normalize(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            result.append(argument)
            if argument == "--kv-persist" {
                let next = index + 1 < arguments.count ? arguments[index + 1] : nil
                if next == nil || next!.hasPrefix("-") { result.append(".kindling") }
            }
        }
        return result
    }

    /// The configuration these flags describe.
    func devConfiguration() throws(CLIError) -> DevConfiguration {
        var files = configFiles
        if files.isEmpty && mounts.isEmpty {
            files = [try DevConfiguration.configFile(in: FileManager.default.currentDirectoryPath, for: "kindling dev")]
        }
        guard (1...65535).contains(port) || port == 0 else {
            throw CLIError("--port must be between 1 and 65535 (or 0 for any free port), got \(port).")
        }
        return DevConfiguration(
            configFiles: files,
            environment: environment,
            mounts: try mounts.map { argument throws(CLIError) in try DevConfiguration.Mount(argument: argument) },
            host: host,
            port: port,
            persistTo: persistTo,
            kvPersist: kvPersist
        )
    }
}
