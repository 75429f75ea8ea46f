import CJavaScriptCore

/// The runtime's JavaScript prelude: every embedded `Prelude/*.js` file, evaluated into each new global context.
///
/// Two groups. The *creation* files (`2x-`: the internal object, promise bridging, `env`, `cloudflare:workers`, the
/// frozen clock) run when the isolate is made, and are kept small: a new isolate is a benchmark, and in a fresh
/// JavaScriptCore VM every byte parsed and every function first run costs (parsing runs at roughly 35 MB/s here).
/// Every other file is *deferred*, in path order: the rest of the runtime first (`0x-`: console, timers, crypto,
/// navigator, delivering events), then the Web API files (`1x-`: encoding, URL, structuredClone, fetch classes, …),
/// in units (``deferredUnits``). The first isolate of the process runs them at once and records, per unit, the
/// globals, internal members and `host` functions it defines or replaces; later isolates install accessors for
/// those names instead, and the first use of one (from JS, or a call from Swift to a host function) runs just the
/// units that define it, which in turn load what they use (`ScriptContext+Prelude.swift`). So a deferred file may
/// only define globals (configurable, as `internal.defineGlobal` makes them), members of the internal object and
/// `host` functions; code that patches built-ins belongs in a `2x-` file. Internal members named `…Hook` are
/// extension points several units chain onto; they are never deferred (reading one must not load its units).
///
/// The texts are loaded once per process and handed to JavaScriptCore as immortal text
/// (`JSScriptCreateReferencingImmortalASCIIText`), so each isolate references the one copy instead of holding its
/// own. That API takes ASCII only, and the other (`JSScriptCreateFromString`) copies the text into every isolate as
/// UTF-16, twice its size, kept for as long as the functions it defines live: with an arrow or a dash in a comment,
/// that was most of the prelude, about 0.8 MiB per isolate. So non-ASCII characters are written as `\uXXXX`
/// escapes at load (``asciiText(_:)``), which mean the same in comments, strings, templates, regular expressions
/// and identifiers; only a character's column in a stack frame on that line moves.
package enum Prelude {
    struct Source: @unchecked Sendable {
        // Safety: `text` points at a buffer allocated once and never freed or written again, so it is immutable
        // and valid for the life of the process; `urlString` is a JSStringRef, which is immutable and
        // thread-safe.
        let url: String
        let urlString: JSStringRef
        let text: UnsafePointer<CChar>
        let length: Int
    }

    /// The files run when an isolate is made, in order.
    static let creationSources = sources.filter(runsAtCreation)
    /// The deferred files, in order: run on first use of a global they define.
    static let deferredSources = sources.filter { !runsAtCreation($0) }

    /// The deferred files in units, in path order: consecutive files whose names share the group digit and the
    /// first word (`14-stream-*.js`, `1d1-crypto-keys.js` … `1d4-crypto-subtle.js`, `11-url-host.js` … `12-url.js`)
    /// run together, since they share state through a namespace object of their own (`internal.streams`,
    /// `internal.crypto`). Units reach each other through globals and internal members, which run their unit on
    /// first use too.
    static let deferredUnits: [[Source]] = {
        var units: [[Source]] = []
        var lastKey: String?
        for source in deferredSources {
            let key = unitKey(source)
            if key == lastKey { units[units.count - 1].append(source) } else { units.append([source]) }
            lastKey = key
        }
        return units
    }()

    /// "1stream" for `…/Prelude/14-stream-base.js`: the group digit and the first word of the file name.
    private static func unitKey(_ source: Source) -> String {
        let name = source.url.split(separator: "/").last ?? ""
        let words = name.split(whereSeparator: { $0 == "-" || $0 == "." })
        guard words.count > 1 else { return String(name) }
        return String(words[0].prefix(1)) + String(words[1])
    }

    private static func runsAtCreation(_ source: Source) -> Bool {
        source.url.hasPrefix("kindling:internal/Prelude/2")
    }

    /// The prelude files, in path order.
    static let sources: [Source] = EmbeddedFiles.files
        .filter { $0.path.hasPrefix("Prelude/") && $0.path.hasSuffix(".js") }
        .sorted { $0.path < $1.path }
        .map { file in
            let bytes = Array(asciiText(file.contents).utf8)
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { chars in
                    if let base = chars.baseAddress { buffer.initialize(from: base, count: chars.count) }
                }
            }
            buffer[bytes.count] = 0
            let url = "kindling:internal/" + file.path
            return Source(url: url, urlString: JSStrings.make(url), text: UnsafePointer(buffer), length: bytes.count)
        }

    /// `text` with every non-ASCII character written as `\uXXXX` escapes of its UTF-16 code units.
    package static func asciiText(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 64)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                result.unicodeScalars.append(scalar)
            } else {
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        return result
    }

    /// Evaluates `sources` in `context`, in order; a failure is a bug in the prelude, reported with its file.
    static func evaluate(_ sources: [Source], in context: ScriptContext) throws(ScriptError) {
        for source in sources {
            var errorMessage: JSStringRef?
            var errorLine: Int32 = 0
            let script = JSScriptCreateReferencingImmortalASCIIText(
                context.group, source.urlString, 1, source.text, source.length, &errorMessage, &errorLine)
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
