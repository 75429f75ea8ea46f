/// The JavaScript halves of the bindings, compiled into the binary by the EmbedFiles plugin.
enum EmbeddedScripts {
    /// The contents of the embedded file whose path ends with `name`.
    static func named(_ name: String) -> String {
        guard let file = EmbeddedFiles.files.first(where: { $0.path.hasSuffix(name) }) else {
            preconditionFailure("\(name) is not embedded in KindlingBindings (check Package.swift's plugins)")
        }
        return file.contents
    }
}
