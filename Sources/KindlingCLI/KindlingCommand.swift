import ArgumentParser

/// `kindling`: run Cloudflare Workers locally, with state in SQLite you can inspect.
@main
struct KindlingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kindling",
        abstract: "Run Cloudflare Workers locally, with every piece of state in SQLite you can open with sqlite3.",
        discussion: """
            `kindling dev` runs workers from their wrangler.toml; `kindling kv` reads and writes stored \
            KV namespaces. State lives in <persist-to>/kindling.sqlite: one table per KV namespace, \
            listed in the kindling_catalog table.
            """,
        version: KindlingVersion.current,
        subcommands: [DevCommand.self, KVCommand.self]
    )

    /// Runs the command line, after giving a bare `--kv-persist` its default directory.
    static func main() async {
        do {
            var command = try parseAsRoot(DevCommand.normalize(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// The version `kindling --version` prints.
enum KindlingVersion {
    static let current = "0.1.0"
}
