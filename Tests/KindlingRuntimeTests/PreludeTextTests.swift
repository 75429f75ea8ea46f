import KindlingRuntime
import Testing

/// The prelude reaches JavaScriptCore as shared ASCII text, its other characters written as `\uXXXX` escapes
/// (`Prelude.asciiText`); the escaped code must mean what the original meant.
@Suite("Prelude texts")
struct PreludeTextTests {
    @Test(
        "escaped non-ASCII text means the same in strings, templates, regular expressions, identifiers and comments",
        arguments: [
            (#"'é → 😀 §'"#, #""é → 😀 §""#),
            (#"`${1}—…`"#, #""1—…""#),
            (#"/^[à-ü]+😀$/u.test('öü😀')"#, "true"),
            (#"/^😀$/.test('😀')"#, "true"),
            ("(() => { const café = 2; return café * 3 })()", "6"),
            ("// a comment → with an arrow\n'after'", #""after""#),
            ("'plain ASCII stays as it is'", #""plain ASCII stays as it is""#),
        ])
    func escapedTextMeansTheSame(source: String, expected: String) async throws {
        let escaped = Prelude.asciiText(source)
        #expect(escaped.utf8.allSatisfy { $0 < 0x80 })
        try await withIsolate { isolate async throws in
            #expect(try await isolate.evaluate(escaped) == expected)
        }
    }

    @Test("characters outside the Basic Multilingual Plane become two escaped UTF-16 code units")
    func astralCharacters() {
        #expect(Prelude.asciiText("a😀b") == #"a\uD83D\uDE00b"#)
        #expect(Prelude.asciiText("→") == #"\u2192"#)
        #expect(Prelude.asciiText("é") == #"\u00E9"#)
    }
}
