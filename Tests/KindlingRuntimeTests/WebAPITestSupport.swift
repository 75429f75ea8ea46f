import KindlingRuntime

/// JS helpers for the Web API suites: `thrown(f)` and `await rejected(f)` give `"Name: message"` of what
/// `f` throws or rejects with, or `"no error"`.
private let webAPIHelpers = """
    globalThis.thrown = (f) => { try { f(); return "no error"; } catch (e) { return `${e.name}: ${e.message}`; } };
    globalThis.rejected = async (f) => { try { await f(); return "no error"; } catch (e) { return `${e.name}: ${e.message}`; } };
    """

/// Evaluates `source` in a fresh isolate (with the helpers above) and returns `JSON.stringify` of its
/// completion value, awaited when it is a promise.
func evaluateWebAPI(_ source: String) async throws -> String {
    try await withIsolate { isolate async throws in
        _ = try await isolate.evaluate(webAPIHelpers, sourceURL: "helpers.js")
        return try await isolate.evaluate(source, sourceURL: "test.js")
    }
}

/// `source` as a JSON string literal, for splicing user input into a test script.
func jsString(_ source: String) -> String {
    var out = "\""
    for scalar in source.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
