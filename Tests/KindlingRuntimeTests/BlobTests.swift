import KindlingRuntime
import Testing

@Suite("Blob and File")
struct BlobTests {
    @Test(
        "Blob joins its parts, normalises its type and slices like the File API",
        arguments: [
            (#"(() => { const b = new Blob(["héllo", new Uint8Array([33]), new Blob(["?"])], { type: "Text/Plain" }); return [b.size, b.type, Object.prototype.toString.call(b)]; })()"#, #"[8,"text/plain","[object Blob]"]"#),
            (#"new Blob(["abc", 1, null]).text()"#, #""abc1null""#),
            (#"(async () => { const b = new Blob(["0123456789"]); return [await b.slice(2, 5).text(), await b.slice(-3).text(), await b.slice(5, 2).text(), b.slice(1, 2, "X/Y").type, await b.slice().text()]; })()"#, #"["234","789","","x/y","0123456789"]"#),
            // The parts are copied: later changes to a buffer do not show.
            (#"(async () => { const u = new Uint8Array([1, 2]); const b = new Blob([u]); u[0] = 9; return Array.from(await b.bytes()); })()"#, "[1,2]"),
            (#"[new Blob([], { type: "FoO/bAr" }).type, new Blob([], { type: "FoO\u0019/bAr" }).type, new Blob([], { type: "FoO /bAr" }).type, new Blob([], { type: "FoO\u0080/bAr" }).type, new Blob(["x"], { type: "é" }).type]"#, #"["foo/bar","","foo /bar","",""]"#),
            (#"(async () => { const r = new Blob(["st"]).stream().getReader(); const c = await r.read(); return [c.value.length, (await r.read()).done]; })()"#, "[2,true]"),
            (#"(async () => new Uint8Array(await new Blob(["ab"]).arrayBuffer()).length)()"#, "2"),
        ])
    func blob(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test("File has a name and lastModified and is a Blob")
    func file() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const f = new File(["a\\r\\nb"], "n.txt", { type: "text/plain", lastModified: 5 });
              return [f.name, f.lastModified, f.size, f.type, f instanceof Blob, Object.prototype.toString.call(f), await f.text(),
                typeof new File([], "x").lastModified];
            })()
            """)
        #expect(result == #"["n.txt",5,4,"text/plain",true,"[object File]","a\r\nb","number"]"#)
    }

    @Test("structuredClone keeps Blobs and Files")
    func cloning() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const c = structuredClone({ b: new Blob(["q"], { type: "a/b" }), f: new File(["z"], "f", { lastModified: 1 }) });
              return [c.b instanceof Blob, c.b.type, await c.b.text(), c.f instanceof File, c.f.name, c.f.lastModified, await c.f.text()];
            })()
            """)
        #expect(result == #"[true,"a/b","q",true,"f",1,"z"]"#)
    }

    @Test(
        "bad arguments are refused",
        arguments: [
            (#"thrown(() => new File(["x"]))"#, "TypeError: Failed to construct 'File': 2 arguments required, but only 1 present."),
            (#"thrown(() => new Blob("x"))"#, "TypeError: Failed to construct 'Blob': The provided value cannot be converted to a sequence."),
            // workerd does not implement line-ending conversion.
            (#"thrown(() => new Blob(["a"], { endings: "native" }))"#, "TypeError: The 'endings' field on 'Options' is not implemented."),
            (#"thrown(() => Object.getOwnPropertyDescriptor(Blob.prototype, "size").get.call({}))"#, "TypeError: Illegal invocation"),
        ])
    func invalid(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == jsString(expected))
    }

    @Test("slice clamps start and end as [Clamp] long long: negatives count from the end, NaN is 0, Infinity the size")
    func sliceEdges() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const b = new Blob(["0123456789"], { type: "text/plain" });
              const t = (...args) => b.slice(...args).text();
              return [await t(-4, -1), await t(-100, 3), await t(7, 100), await t(NaN, 2), await t(2, Infinity), await t(-Infinity, 1),
                await t(1.9, 3.9), await t("2", "4"), await t(undefined, 2), b.slice(0, 1).type, b.slice(0, 1, "A/B").type,
                b.slice(0, 1, "a\\u00e9").type, b.slice(3, 3).size, await b.slice(2, 8).slice(-2).text()];
            })()
            """)
        #expect(result == #"["678","012","789","01","23456789","0","12","23","01","","a/b","",0,"67"]"#)
    }

    @Test("text() decodes UTF-8 dropping a leading BOM and replacing bad bytes; bytes() and arrayBuffer() copy")
    func reading() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const b = new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69, 0xff])]);
              const one = await b.bytes();
              one[0] = 0;
              const buffer = await b.arrayBuffer();
              const points = (text) => Array.from(text, (c) => c.codePointAt(0));
              return [points(await b.text()), Array.from(await b.bytes()).slice(0, 3), buffer instanceof ArrayBuffer, buffer.byteLength,
                points(await new Blob(["\\ud800x"]).text())];
            })()
            """)
        #expect(result == "[[104,105,65533],[239,187,191],true,6,[65533,120]]")
    }

    @Test("a File's lastModified defaults to the frozen clock's now")
    func lastModifiedDefault() async throws {
        #expect(try await evaluateWebAPI("new File([], \"f\").lastModified === Date.now()") == "true")
    }
}
