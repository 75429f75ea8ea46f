import Foundation

/// Bundles a worker with esbuild, as wrangler does, into one script JavaScriptCore can run.
///
/// JavaScriptCore's C API cannot load ES modules, so each worker becomes an IIFE whose entry exports land on a
/// global. esbuild brings every module form, TypeScript, JSON, text and binary modules (wrangler's default rules:
/// `.txt`/`.html`/`.sql` as text, `.bin` as data) and packages from `node_modules`. `cloudflare:*` and `node:*`
/// stay external and are served by the runtime's built-in `require`.
///
/// ```swift
/// let bundle = try await Bundler().bundle(.file("worker/src/index.ts"))
/// let exports = try await isolate.load(bundle)
/// ```
///
/// Deliberate differences: a `.bin` module's default export is a `Uint8Array` (esbuild's binary loader), where
/// wrangler gives an `ArrayBuffer`; `import.meta.url` is the entry file's `file:` URL in every module (esbuild's
/// `--define` is global), where workerd gives each module its own.
public struct Bundler: Sendable {
    /// The esbuild executable.
    public var esbuildPath: String

    /// Creates a bundler.
    /// - Parameter esbuildPath: the esbuild executable; `KINDLING_ESBUILD`, else `esbuild` on `PATH`, else
    ///   `/usr/bin/esbuild`.
    public init(esbuildPath: String? = nil) {
        self.esbuildPath = esbuildPath ?? Self.defaultEsbuildPath()
    }

    /// Runs esbuild on `source`.
    /// - Returns: the bundle with its source map.
    /// - Throws: ``RuntimeError`` with code ``RuntimeError/Code/bundleFailed`` when esbuild is missing or reports an
    ///   error; the error carries esbuild's message and, when it gave one, the file, line and (1-based) column.
    public func bundle(_ source: WorkerSource) async throws(RuntimeError) -> WorkerBundle {
        guard FileManager.default.isExecutableFile(atPath: esbuildPath) else {
            throw RuntimeError(
                code: .bundleFailed,
                message: "esbuild was not found at \(esbuildPath); Kindling bundles workers with it. Install it "
                    + "(apt-get install esbuild, or `make` does) or set KINDLING_ESBUILD to its path.",
                file: source.displayName)
        }
        var arguments = [
            "--bundle", "--format=iife", "--global-name=\(WorkerBundle.exportsGlobal)",
            "--external:cloudflare:*", "--external:node:*",
            "--conditions=workerd,worker,browser", "--keep-names",
            "--sourcemap=inline", "--sources-content=false",
            "--loader:.txt=text", "--loader:.html=text", "--loader:.sql=text", "--loader:.bin=binary",
            "--define:import.meta.url=\(Self.jsonString(source.entryURL))",
            "--log-level=error", "--color=false", "--charset=utf8",
        ]
        let input: String?
        switch source.entry {
        case .file(let path):
            arguments.insert(path, at: 0)
            input = nil
        case .script(let script, let name):
            arguments.append("--sourcefile=\(name)")
            if name.hasSuffix(".ts") || name.hasSuffix(".mts") { arguments.append("--loader=ts") }
            input = script
        }
        let output = try await run(arguments, input: input, directory: source.rootDirectory, entry: source.displayName)
        guard output.status == 0 else {
            throw EsbuildDiagnostics.error(output.standardError, entry: source.displayName)
        }
        return Self.splitSourceMap(output.standardOutput, entryName: source.displayName)
    }

    /// Cuts the inline source map off the script; JavaScriptCore need not parse the base64 comment.
    static func splitSourceMap(_ output: String, entryName: String) -> WorkerBundle {
        let marker = "//# sourceMappingURL=data:application/json;base64,"
        guard let range = output.range(of: marker, options: .backwards) else {
            return WorkerBundle(script: output, sourceMap: nil, entryName: entryName)
        }
        let payload = output[range.upperBound...].prefix { !$0.isNewline }
        let map = Data(base64Encoded: String(payload)).map { String(decoding: $0, as: UTF8.self) }
        return WorkerBundle(script: String(output[..<range.lowerBound]), sourceMap: map, entryName: entryName)
    }

    private struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs esbuild with its output in temporary files (no pipe can fill up) and waits without blocking a thread.
    private func run(_ arguments: [String], input: String?, directory: String, entry: String) async throws(RuntimeError)
        -> Output
    {
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-esbuild-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: files) }
            let stdoutURL = files.appendingPathComponent("out.js")
            let stderrURL = files.appendingPathComponent("err.txt")
            _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: esbuildPath)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
            process.standardError = try FileHandle(forWritingTo: stderrURL)
            if let input {
                let stdinURL = files.appendingPathComponent("in.js")
                try Data(input.utf8).write(to: stdinURL)
                process.standardInput = try FileHandle(forReadingFrom: stdinURL)
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
            return Output(
                status: status, standardOutput: try String(contentsOf: stdoutURL, encoding: .utf8),
                standardError: try String(contentsOf: stderrURL, encoding: .utf8))
        } catch {
            throw RuntimeError(
                code: .bundleFailed, message: "Could not run esbuild (\(esbuildPath)) in \(directory): \(error)",
                file: entry)
        }
    }

    private static func defaultEsbuildPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["KINDLING_ESBUILD"], !path.isEmpty { return path }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/esbuild"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/esbuild"
    }

    /// A JSON string literal, as esbuild's `--define` takes one.
    private static func jsonString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20: escaped += String(format: "\\u%04x", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
