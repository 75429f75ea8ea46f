/// Where a worker's code comes from: an entry file on disk, or a script given as a string.
public struct WorkerSource: Sendable, Equatable {
    enum Entry: Sendable, Equatable {
        case file(String)
        case script(String, name: String)
    }

    let entry: Entry
    /// The directory relative imports, `node_modules` and source-map paths are resolved against.
    public let rootDirectory: String

    /// A worker whose entry is the file at `path` (`.js`, `.mjs`, `.ts`, …).
    /// - Parameters:
    ///   - path: the entry file.
    ///   - rootDirectory: the project root that stack traces name files relative to; the entry's directory unless
    ///     given.
    public static func file(_ path: String, rootDirectory: String? = nil) -> WorkerSource {
        let absolute = FilePaths.absolute(path)
        return WorkerSource(entry: .file(absolute), rootDirectory: rootDirectory.map(FilePaths.absolute) ?? FilePaths.directory(of: absolute))
    }

    /// A worker given as a string, as `kindling dev --script` and the Swift API take it. It may import relative
    /// files and packages from `directory`.
    /// - Parameters:
    ///   - script: the JavaScript (or TypeScript when `name` ends in `.ts`).
    ///   - name: the file name that errors and stack traces give (`worker.js`).
    ///   - directory: where its imports are resolved; the current directory unless given.
    public static func script(_ script: String, name: String = "worker.js", directory: String? = nil) -> WorkerSource {
        WorkerSource(entry: .script(script, name: name), rootDirectory: FilePaths.absolute(directory ?? "."))
    }

    /// The entry's file name as errors and stacks give it.
    var displayName: String {
        switch entry {
        case .file(let path): FilePaths.relative(path, to: rootDirectory)
        case .script(_, let name): name
        }
    }

    /// The `file:` URL `import.meta.url` gives.
    var entryURL: String {
        switch entry {
        case .file(let path): FilePaths.fileURL(path)
        case .script(_, let name): FilePaths.fileURL(rootDirectory + "/" + name)
        }
    }
}
