import CJavaScriptCore

/// A worker bundled into one script, ready to load into an isolate (``WorkerIsolate/load(_:)``).
///
/// Bundling is the slow, isolate-independent half of loading: bundle once, load into as many isolates as needed.
public struct WorkerBundle: Sendable {
    /// The global the bundle assigns the entry's exports to.
    static let exportsGlobal = "__kindling_exports"

    /// The bundled script, without its source-map comment.
    public let script: String
    /// The source map (JSON) esbuild produced, mapping the script back to the user's files.
    public let sourceMap: String?
    /// The entry file's name, relative to the worker's root (`src/index.ts`, `worker.js`).
    public let entryName: String

    /// The wrapped script (see ``wrap(_:)``) as a JavaScriptCore string, made once per bundle: an isolate loading
    /// the bundle then only copies it (converting 50 KB of UTF-8 costs about a tenth of evaluating it).
    let source: BundleSource

    /// Creates a bundle from a script esbuild produced with `--format=iife --global-name=__kindling_exports`.
    init(script: String, sourceMap: String?, entryName: String) {
        self.script = script
        self.sourceMap = sourceMap
        self.entryName = entryName
        self.source = BundleSource(Self.wrap(script))
    }

    /// The URL stack frames give for code of the bundle that no source map covers.
    var url: String { "bundle:" + entryName }

    /// `script` wrapped in a function of the built-in `require`, so `require` is no global (as on the platform),
    /// returning the exports. The prefix stays on the first line, so source-map lines still match.
    static func wrap(_ script: String) -> String {
        "(function (require) { " + script + "\nreturn typeof \(exportsGlobal) === \"undefined\" ? undefined : \(exportsGlobal);\n})"
    }
}

/// A bundle's script as a `JSStringRef`, released with the last bundle that shares it.
final class BundleSource: @unchecked Sendable {
    // Safety: a JSStringRef is immutable and thread-safe (JavaScriptCore copies it into each VM that evaluates it).
    let string: JSStringRef

    init(_ text: String) {
        string = JSStrings.make(text)
    }

    deinit {
        JSStringRelease(string)
    }
}
