import KindlingRuntime
import Testing

@Suite("Encoding: TextEncoder, TextDecoder, atob/btoa")
struct EncodingTests {
    @Test(
        "TextEncoder encodes UTF-8, replacing lone surrogates",
        arguments: [
            (#"Array.from(new TextEncoder().encode("€𝄞"))"#, "[226,130,172,240,157,132,158]"),
            (#"Array.from(new TextEncoder().encode("a\uD800b"))"#, "[97,239,191,189,98]"),
            (#"Array.from(new TextEncoder().encode())"#, "[]"),
            (#"new TextEncoder().encoding"#, #""utf-8""#),
            // encodeInto stops before a character that does not fit whole.
            (#"new TextEncoder().encodeInto("a€b", new Uint8Array(4))"#, #"{"read":2,"written":4}"#),
            (
                #"thrown(() => new TextEncoder().encodeInto("x", []))"#,
                #""TypeError: Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.""#
            ),
        ])
    func encoder(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test(
        "TextDecoder: BOM, replacement, fatal, streaming, labels and input types",
        arguments: [
            (#"new TextDecoder().decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x68, 0x69]))"#, #""hi""#),
            (#"new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xEF, 0xBB, 0xBF, 0x68]))"#, "\"\u{FEFF}h\""),
            // An invalid byte and a truncated sequence at the end each become one U+FFFD.
            (#"new TextDecoder().decode(new Uint8Array([0xff, 0x61, 0xe2, 0x82]))"#, "\"\u{FFFD}a\u{FFFD}\""),
            (
                #"thrown(() => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xff])))"#,
                #""TypeError: Failed to execute 'decode' on 'TextDecoder': The encoded data was not valid for encoding utf-8""#
            ),
            (
                #"(() => { const d = new TextDecoder(); return [d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }), d.decode(new Uint8Array([0xac]))]; })()"#,
                #"["","€"]"#
            ),
            (
                #"[new TextDecoder("UTF8").encoding, new TextDecoder(" latin1 ").encoding, new TextDecoder("utf-16le").encoding]"#,
                #"["utf-8","windows-1252","utf-16le"]"#
            ),
            (
                #"thrown(() => new TextDecoder("nope"))"#,
                #""RangeError: Failed to construct 'TextDecoder': The encoding label provided ('nope') is invalid.""#
            ),
            (
                #"[new TextDecoder().decode(new DataView(new Uint8Array([104, 105]).buffer)), new TextDecoder().decode(new Uint8Array([104, 105]).buffer), new TextDecoder().decode()]"#,
                #"["hi","hi",""]"#
            ),
            (
                #"thrown(() => new TextDecoder().decode("str"))"#,
                #""TypeError: Failed to execute 'decode' on 'TextDecoder': The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.""#
            ),
            (
                #"[new TextDecoder("utf-16le").decode(new Uint8Array([0x3d, 0xd8, 0x00, 0xde])), new TextDecoder("windows-1252").decode(new Uint8Array([0x80, 0x41]))]"#,
                #"["😀","€A"]"#
            ),
            (#"[new TextDecoder().encoding, new TextDecoder().fatal, new TextDecoder().ignoreBOM]"#, #"["utf-8",false,false]"#),
        ])
    func decoder(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    static let atobError =
        "InvalidCharacterError: atob() called with invalid base64-encoded data. (Only whitespace, '+', '/', alphanumeric ASCII, and up to two terminal '=' signs when the input data length is divisible by 4 are allowed.)"

    @Test(
        "btoa encodes Latin-1 and atob decodes forgiving base64",
        arguments: [
            (#"[btoa("hello"), btoa(""), btoa("\xff\xfe"), btoa(null)]"#, #"["aGVsbG8=","","//4=","bnVsbA=="]"#),
            (
                #"thrown(() => btoa("€"))"#,
                #""InvalidCharacterError: btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range.""#
            ),
            (#"[atob("aGVsbG8="), atob("aGVsbG8"), atob(" aGVs\nbG8= "), atob("")]"#, #"["hello","hello","hello",""]"#),
            (#"thrown(() => atob("a"))"#, "\"\(atobError)\""),
            (#"thrown(() => atob("ab=c"))"#, "\"\(atobError)\""),
            (#"thrown(() => atob("aGVsbG8=="))"#, "\"\(atobError)\""),
            (
                #"thrown(() => atob())"#,
                #""TypeError: Failed to execute 'atob' on 'WorkerGlobalScope': 1 argument required, but only 0 present.""#
            ),
        ])
    func base64(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }
}
