import ArgumentParser

/// `kindling`: run Cloudflare Workers locally, with state in SQLite you can inspect.
@main
struct KindlingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kindling",
        abstract: "Run Cloudflare Workers locally, with every piece of state in SQLite you can open with sqlite3.",
        discussion: """
            State lives in <persist-to>/kindling.sqlite: one table per KV namespace, listed in \
            the kindling_catalog table.
            """,
        version: KindlingVersion.current,
        subcommands: [KVCommand.self]
    )
}

/// The version `kindling --version` prints.
enum KindlingVersion {
    static let current = "0.1.0"
}
