import Foundation
import PackagePlugin

/// Compiles a target's `.sql` and `.js` files into it as string constants.
///
/// Why not resources: on Linux a resource bundle is found next to the executable, so a
/// `kindling` binary copied elsewhere would lose its migrations and JS prelude. Embedded
/// strings travel with the binary.
@main
struct EmbedFiles: BuildToolPlugin {
    static let embeddedExtensions: Set<String> = ["sql", "js"]

    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let inputs = target.sourceFiles
            .map(\.url)
            .filter { Self.embeddedExtensions.contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) files into \(target.name)",
                executable: try context.tool(named: "embed-files").url,
                arguments: [target.directoryURL.path, output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
