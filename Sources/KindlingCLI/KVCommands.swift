import ArgumentParser
import Foundation
import KindlingBindings
import KindlingStorage

/// `kindling kv`: read and write KV namespaces in a persistence directory, without starting
/// any worker (like `wrangler kv … --local`).
struct KVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv",
        abstract: "Read and write KV namespaces stored in a persistence directory.",
        subcommands: [KVNamespaceCommand.self, KVKeyCommand.self]
    )
}

struct KVNamespaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespace",
        abstract: "List the KV namespaces stored in a persistence directory.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every KV namespace as JSON: its name (id), and the table holding it."
        )
        @OptionGroup var persistence: PersistenceOptions

        func run() async throws {
            let root = try persistence.openForReading()
            defer { root.shutdown() }
            let entries = try KVService(persistence: root).namespaces()
            Output.current.line(
                JSONOutput.array(
                    entries.map { entry in
                        [
                            ("id", JSONOutput.string(entry.name)),
                            ("title", JSONOutput.string(entry.name)),
                            ("table", JSONOutput.string(entry.tableName)),
                        ]
                    }
                )
            )
        }
    }
}

/// Options naming the namespace a key command acts on.
struct NamespaceOptions: ParsableArguments {
    @Option(
        name: .customLong("namespace"),
        help: ArgumentHelp("The KV namespace name (the id under kv_namespaces in wrangler.toml).", valueName: "name")
    )
    var name: String

    @OptionGroup var persistence: PersistenceOptions

    /// The namespace, which must already exist (for commands that only read or delete).
    func existing(in service: KVService) throws -> KVNamespace {
        if let namespace = try service.existingNamespace(name) { return namespace }
        let known = try service.namespaces().map { "\"\($0.name)\"" }
        let hint = known.isEmpty ? "there are none yet" : "there are " + known.joined(separator: ", ")
        throw CLIError("No KV namespace \"\(name)\" in \(persistence.persistTo); \(hint).")
    }
}

struct KVKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "List, read, write and delete the keys of a KV namespace.",
        subcommands: [List.self, Get.self, Put.self, Delete.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every live key of a namespace as JSON, in UTF-8 byte order."
        )
        @OptionGroup var namespace: NamespaceOptions
        @Option(help: "Only keys starting with this.") var prefix: String?

        func run() async throws {
            let root = try namespace.persistence.openForReading()
            defer { root.shutdown() }
            let kv = try namespace.existing(in: KVService(persistence: root))
            var objects: [[(String, String)]] = []
            var cursor: String?
            repeat {
                let page = try kv.list(KVListOptions(prefix: prefix, cursor: cursor))
                for key in page.keys {
                    var fields = [("name", JSONOutput.string(key.name))]
                    if let expiration = key.expiration { fields.append(("expiration", String(expiration))) }
                    if let metadata = key.metadata { fields.append(("metadata", metadata)) }
                    objects.append(fields)
                }
                cursor = page.cursor
            } while cursor != nil
            Output.current.line(JSONOutput.array(objects))
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the value of a key, byte for byte.")
        @Argument(help: "The key.") var key: String
        @OptionGroup var namespace: NamespaceOptions

        func run() async throws {
            let root = try namespace.persistence.openForReading()
            defer { root.shutdown() }
            let kv = try namespace.existing(in: KVService(persistence: root))
            guard let entry = try kv.get(key) else {
                Output.current.line("Value not found")
                return
            }
            Output.current.write(bytes: entry.value)
        }
    }

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a key, from an argument or a file.",
            discussion: "The namespace is created on first use."
        )
        @Argument(help: "The key.") var key: String
        @Argument(help: "The value (or give --path).") var value: String?
        @OptionGroup var namespace: NamespaceOptions
        @Option(help: ArgumentHelp("Read the value from this file, byte for byte.", valueName: "file"))
        var path: String?
        @Option(help: ArgumentHelp("Seconds from now until the key expires (at least 60).", valueName: "seconds"))
        var ttl: Int64?
        @Option(help: ArgumentHelp("When the key expires, in seconds since the Unix epoch.", valueName: "seconds"))
        var expiration: Int64?
        @Option(help: ArgumentHelp("Metadata as JSON, at most 1024 bytes, e.g. '{\"v\":1}'.", valueName: "json"))
        var metadata: String?

        func validate() throws {
            if value == nil && path == nil {
                throw ValidationError("Give the value as an argument or with --path FILE.")
            }
            if value != nil && path != nil {
                throw ValidationError("Give the value either as an argument or with --path, not both.")
            }
        }

        func run() async throws {
            var bytes: [UInt8]
            if let path {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw CLIError("Cannot read --path \(path): no such file, or it is not readable.")
                }
                bytes = [UInt8](data)
            } else {
                bytes = Array((value ?? "").utf8)
            }
            if let metadata,
                (try? JSONSerialization.jsonObject(with: Data(metadata.utf8), options: [.fragmentsAllowed])) == nil
            {
                throw CLIError("--metadata must be JSON, e.g. --metadata '{\"author\":\"ann\"}'; got \(metadata)")
            }
            let root = try namespace.persistence.openForWriting()
            defer { root.shutdown() }
            let kv = try KVService(persistence: root).namespace(namespace.name)
            try kv.put(
                key,
                bytes,
                options: KVPutOptions(expiration: expiration, expirationTtl: ttl, metadata: metadata)
            )
            bytes = []
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a key (deleting a missing key succeeds).")
        @Argument(help: "The key.") var key: String
        @OptionGroup var namespace: NamespaceOptions

        func run() async throws {
            let root = try namespace.persistence.openForReading()
            defer { root.shutdown() }
            let kv = try namespace.existing(in: KVService(persistence: root))
            try kv.delete(key)
        }
    }
}
