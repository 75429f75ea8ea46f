import CJavaScriptCore

/// The runtime's JavaScript prelude: every embedded `Prelude/*.js` file, evaluated into each new global context.
///
/// Two groups. The runtime files (`2x-`: console, timers, crypto, the worker machinery) run when the isolate is
/// made. The Web API files (`1x-`: encoding, URL, structuredClone, fetch classes, …) are most of the text and most
/// of the cost of a new isolate, so they are *deferred*: the first isolate of the process runs them at once and
/// records the globals they define; later isolates install accessors for those names instead, and the first use
/// of any of them runs the whole group, in order (`ScriptContext+Prelude.swift`). So a Web API file may only
/// define globals (configurable, as `internal.defineGlobal` makes them) and members of the internal object; code
/// that patches built-ins belongs in a `2x-` file.
///
/// The texts are loaded once per process. ASCII files are handed to JavaScriptCore as immortal text
/// (`JSScriptCreateReferencingImmortalASCIIText`), so each isolate references the one copy instead of holding its
/// own UTF-16 copy of the source.
enum Prelude {
    struct Source: @unchecked Sendable {
        // Safety: `text` points at a buffer allocated once and never freed or written again, so it is immutable
        // and valid for the life of the process; `string` is a JSStringRef, which is immutable and thread-safe.
        let url: String
        let text: UnsafePointer<CChar>
        let length: Int
        let isASCII: Bool
        let string: JSStringRef
    }

    /// The runtime files, in order: run when an isolate is made.
    static let runtimeSources = sources.filter { !isWebAPI($0) }
    /// The Web API files, in order: run on first use of a global they define.
    static let webAPISources = sources.filter(isWebAPI)

    private static func isWebAPI(_ source: Source) -> Bool {
        source.url.hasPrefix("kindling:internal/Prelude/1")
    }

    /// The prelude files, in path order.
    static let sources: [Source] = EmbeddedFiles.files
        .filter { $0.path.hasPrefix("Prelude/") && $0.path.hasSuffix(".js") }
        .sorted { $0.path < $1.path }
        .map { file in
            let bytes = Array(file.contents.utf8)
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { chars in
                    if let base = chars.baseAddress { buffer.initialize(from: base, count: chars.count) }
                }
            }
            buffer[bytes.count] = 0
            return Source(
                url: "kindling:internal/" + file.path, text: UnsafePointer(buffer), length: bytes.count,
                isASCII: bytes.allSatisfy { $0 < 0x80 }, string: JSStrings.make(file.contents))
        }

    /// Evaluates `sources` in `context`, in order; a failure is a bug in the prelude, reported with its file.
    static func evaluate(_ sources: [Source], in context: ScriptContext) throws(ScriptError) {
        for source in sources {
            var errorMessage: JSStringRef?
            var errorLine: Int32 = 0
            let script = JSStrings.with(source.url) { url in
                source.isASCII
                    ? JSScriptCreateReferencingImmortalASCIIText(
                        context.group, url, 1, source.text, source.length, &errorMessage, &errorLine)
                    : JSScriptCreateFromString(context.group, url, 1, source.string, &errorMessage, &errorLine)
            }
            guard let script else {
                let message = errorMessage.map { ref in
                    defer { JSStringRelease(ref) }
                    return JSStrings.string(ref)
                } ?? "could not be compiled"
                throw ScriptError(
                    name: "SyntaxError", message: message, sourceURL: source.url, line: Int(errorLine))
            }
            defer { JSScriptRelease(script) }
            var exception: JSValueRef?
            _ = JSScriptEvaluate(context.global, script, nil, &exception)
            if let exception { throw context.scriptError(exception) }
        }
    }
}
