import KindlingRuntime
import Testing

@Suite("FormData")
struct FormDataTests {
    @Test("entries keep their order; Blobs become Files; set replaces in place; iterators are live")
    func entries() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const f = new FormData();
              f.append("a", "1");
              f.append("a", new Blob(["x"], { type: "text/plain" }));
              f.append("b", new File(["y"], "y.txt"), "renamed.txt");
              f.set("c", 3);
              const described = f.getAll("a").map((v) => (typeof v === "string" ? v : [v.name, v.type, v.size]));
              const g = new FormData();
              g.append("a", "1"); g.append("b", "2"); g.append("a", "3");
              g.set("a", "9");
              const afterSet = [...g];
              g.delete("a");
              return [f.get("a"), described, f.get("b").name, f.get("b") instanceof File, f.has("c"), f.get("c"), f.get("z"),
                [...f.keys()], Object.prototype.toString.call(f), Object.prototype.toString.call(f.entries()), afterSet, [...g]];
            })()
            """)
        #expect(
            result
                == #"["1",["1",["blob","text/plain",1]],"renamed.txt",true,true,"3",null,["a","a","b","c"],"[object FormData]","[object FormData Iterator]",[["a","9"],["b","2"]],[["b","2"]]]"#
        )
    }

    @Test("a FormData body is multipart/form-data with a random boundary, and parses back")
    func multipartRoundTrip() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const f = new FormData();
              f.append("field", "va\\nlue");
              f.append("q\\"uote", "x");
              f.append("file", new File(["hello"], "h.txt", { type: "text/plain" }));
              const r = new Response(f);
              const type = r.headers.get("content-type");
              const text = await r.clone().text();
              const back = await r.formData();
              return [/^multipart\\/form-data; boundary=[0-9a-f]{32}$/.test(type), text.replace(/[0-9a-f]{32}/g, "B"),
                [...back].map(([k, v]) => (typeof v === "string" ? [k, v] : [k, v.name, v.type, v.size]))];
            })()
            """)
        #expect(
            result
                == #"[true,"--B\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nva\r\nlue\r\n--B\r\nContent-Disposition: form-data; name=\"q%22uote\"\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"h.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B--\r\n",[["field","va\r\nlue"],["q%22uote","x"],["file","h.txt","text/plain",5]]]"#
        )
    }

    @Test("formData() parses urlencoded bodies and multipart bodies with a preamble, quoted boundary and files")
    func parsing() async throws {
        let result = try await evaluateWebAPI(
            #"""
            (async () => {
              const urlencoded = await new Request("https://a/", { method: "POST", body: new URLSearchParams("a=1&b=%C3%A9&a=2") }).formData();
              const body = "preamble\r\n--abc\r\ncontent-disposition: form-data; name=\"a\"\r\n\r\nfirst\r\n--abc\r\n" +
                "Content-Disposition: form-data; name=\"f\"; filename=\"t.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
                "\u00ff\r\n--abc--\r\nepilogue";
              const f = await new Response(body, { headers: { "content-type": "multipart/form-data; boundary=\"abc\"" } }).formData();
              const file = f.get("f");
              return [[...urlencoded], f.get("a"), file instanceof File, file.name, file.type, Array.from(await file.bytes())];
            })()
            """#)
        #expect(result == #"[[["a","1"],["b","é"],["a","2"]],"first",true,"t.bin","application/octet-stream",[195,191]]"#)
    }

    @Test("multipart parsing takes CRLF or bare LF line breaks and refuses broken framing (workerd's parser cases)")
    func lineBreaks() async throws {
        let result = try await evaluateWebAPI(
            #"""
            (async () => {
              const parse = async (type, body) => {
                const form = await new Request("http://example.org", { method: "POST", body, headers: { "content-type": type } }).formData();
                return [...form].map(([k, v]) => `${k}=${v}`).join(",");
              };
              const plus = 'multipart/form-data; boundary="+"';
              const good = [
                [plus, "--+--"],
                [plus, "--+\r\nContent-Disposition: form-data; name=\"field0\"\r\n\r\npart0\r\n--+\nCONTENT-DISPOSITION:\tform-data\t;\tname=\"field1\"\r\n\npart1\n--+\r\ncontent-disposition:form-data;name=\"field0\"\n\r\npart2\r\n--+--"],
                [plus, ["\r\n\r\n\r\n", "\r\n\r\n\n", "\r\n\n\r\n", "\r\n\n\n", "\n\r\n\r\n", "\n\r\n\n", "\n\n\r\n", "\n\n\n"]
                  .map((eols) => `--+\r\nContent-Disposition: form-data; name="e"${eols}`).join("") + "--+--"],
                [plus, "--+\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n--+--"],
                ['multipart/form-data; Boundary="-"', "---\nContent-Disposition: form-data; name=\"a\"\n\nA\n---\nContent-Disposition: form-data; name=\"b\"\n\nB\n-----"],
                ["application/x-www-form-urlencoded", "=&field1&=part2&field1=&x=data+with+an+%26"],
              ];
              const bad = [
                [plus, ""], [plus, "--asdf--"], [plus, "--+"],
                [plus, "--+\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\np\r\n-+--"],
                [plus, "--+\r\nBad-Content-Disposition: form-data; name=\"f\"\r\n\r\np\r\n--+--"],
                [plus, "--+\r\nContent-Disposition: form-data; name=\"f\"\r\n\rp\r\n--+--"],
                [plus, "--+\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\np\r\n--+\r--"],
                ["multipart/form-data; boundary=", "----"],
                ["application/x-www-form-urlencoded; charset=big5", "a=b"],
              ];
              const parsed = [];
              for (const [type, body] of good) parsed.push(await parse(type, body));
              const refused = [];
              for (const [type, body] of bad) refused.push(await rejected(() => parse(type, body)));
              return [parsed, refused];
            })()
            """#)
        #expect(
            result
                == #"[["","field0=part0,field1=part1,field0=part2","e=,e=,e=,e=,e=,e=,e=,e=","f=v","a=A,b=B","=,field1=,=part2,field1=,x=data with an &"],["TypeError: No initial boundary string (or you have a truncated message).","TypeError: No initial boundary string (or you have a truncated message).","TypeError: Boundary was not succeeded by CRLF, LF, or '--'.","TypeError: No subsequent boundary string after multipart message.","TypeError: No valid Content-Disposition header found in FormData part.","TypeError: No multipart message header termination found.","TypeError: Boundary was not succeeded by CRLF, LF, or '--'.","TypeError: Length of multipart/form-data boundary string must be in the range [1, 70].","TypeError: Unsupported charset in a form-urlencoded body: \"big5\"; only UTF-8 is supported."]]"#
        )
    }

    @Test("serialising refuses a name or filename that ends with a backslash; quoted filenames keep backslashes")
    func backslashes() async throws {
        let result = try await evaluateWebAPI(
            #"""
            (async () => {
              const form = new FormData();
              form.set("foo", new File(["x"], "foo.txt\\"));
              const parsed = await new Response('--2a\r\nContent-Disposition: form-data; name="q"; filename="q%0A%22\\\\.txt"\r\n\r\nc\r\n--2a--',
                { headers: { "content-type": "multipart/form-data;boundary=2a" } }).formData();
              return [thrown(() => new Request("http://example.org", { method: "POST", body: form })), parsed.get("q").name];
            })()
            """#)
        #expect(result == #"["TypeError: Name or filename can't end with backslash","q%0A%22\\\\.txt"]"#)
    }

    @Test(
        "malformed bodies are refused with workerd's wording",
        arguments: [
            (#"rejected(() => new Response("a=1").formData())"#, "TypeError: Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded"),
            (#"rejected(() => new Response("x", { headers: { "content-type": "multipart/form-data" } }).formData())"#, "TypeError: No boundary string in Content-Type header. The multipart/form-data MIME type requires a boundary parameter, e.g. 'Content-Type: multipart/form-data; boundary=\"abcd\"'. See RFC 7578, section 4."),
            (#"rejected(() => new Response("x", { headers: { "content-type": "multipart/form-data; boundary=" + "x".repeat(71) } }).formData())"#, "TypeError: Length of multipart/form-data boundary string must be in the range [1, 70]."),
            (#"rejected(() => new Response("garbage", { headers: { "content-type": "multipart/form-data; boundary=abc" } }).formData())"#, "TypeError: No initial boundary string (or you have a truncated message)."),
            (#"rejected(() => new Response("--abc\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", { headers: { "content-type": "multipart/form-data; boundary=abc" } }).formData())"#, "TypeError: No subsequent boundary string after multipart message."),
            (#"rejected(() => new Response("--abc\r\nContent-Disposition: form-data; name=a", { headers: { "content-type": "multipart/form-data; boundary=abc" } }).formData())"#, "TypeError: No multipart message header termination found."),
            (#"rejected(() => new Response("--abc\r\nX: y\r\n\r\nv\r\n--abc--", { headers: { "content-type": "multipart/form-data; boundary=abc" } }).formData())"#, "TypeError: No valid Content-Disposition header found in FormData part."),
            (#"rejected(() => new Response("--abc\r\nContent-Disposition: attachment\r\n\r\nv\r\n--abc--", { headers: { "content-type": "multipart/form-data; boundary=abc" } }).formData())"#, "TypeError: Content-Disposition header for FormData part must have the value \"form-data\", possibly followed by parameters. Got: \"attachment\""),
            (#"rejected(() => new Response("--abc\r\nContent-Disposition: form-data\r\n\r\nv\r\n--abc--", { headers: { "content-type": "multipart/form-data; boundary=abc" } }).formData())"#, "TypeError: Content-Disposition header in FormData part is missing a name."),
            (#"rejected(() => new Response(new Uint8Array([97])).formData())"#, "TypeError: Parsing a Body as FormData requires a Content-Type header."),
        ])
    func malformed(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == jsString(expected))
    }

    @Test(
        "bad arguments are refused",
        arguments: [
            (#"thrown(() => new FormData().append("a"))"#, "TypeError: Failed to execute 'append' on 'FormData': 2 arguments required, but only 1 present."),
            (#"thrown(() => new FormData().append("a", "b", "c"))"#, "TypeError: Failed to execute 'append' on 'FormData': parameter 2 is not of type 'Blob'."),
            (#"thrown(() => structuredClone(new FormData()))"#, "DataCloneError: #<FormData> could not be cloned."),
            (#"thrown(() => FormData.prototype.get.call({}, "a"))"#, "TypeError: Illegal invocation"),
        ])
    func invalid(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == jsString(expected))
    }

    @Test("serialisation normalises line breaks to CRLF in names and string values and escapes names and filenames")
    func serialisationEdgeCases() async throws {
        let result = try await evaluateWebAPI(
            #"""
            (async () => {
              const f = new FormData();
              f.append("lone\rcr", "a\rb\nc\r\nd");
              f.append("file", new File(["x"], "we\"ird\r\nname.bin"));
              f.append("blob", new Blob(["y"]));
              const text = await new Request("https://a/", { method: "POST", body: f }).text();
              return text.replace(/--[0-9a-f]{32}/g, "--B").split("\r\n");
            })()
            """#)
        #expect(
            result
                == #"["--B","Content-Disposition: form-data; name=\"lone%0D%0Acr\"","","a","b","c","d","--B","Content-Disposition: form-data; name=\"file\"; filename=\"we%22ird%0D%0Aname.bin\"","Content-Type: application/octet-stream","","x","--B","Content-Disposition: form-data; name=\"blob\"; filename=\"blob\"","Content-Type: application/octet-stream","","y","--B--",""]"#
        )
    }

    @Test("request.formData() and response.formData() give Files with their filename, type and bytes")
    func filesRoundTrip() async throws {
        let result = try await evaluateWebAPI(
            """
            (async () => {
              const f = new FormData();
              f.append("doc", new File([new Uint8Array([0, 255, 10, 13])], "d.bin", { type: "Application/X-Thing" }));
              f.append("note", "héllo");
              const request = new Request("https://a/", { method: "POST", body: f });
              const parsed = await request.formData();
              const doc = parsed.get("doc");
              const again = await new Response(parsed).formData();
              return [request.headers.get("content-type").startsWith("multipart/form-data; boundary="), doc instanceof File,
                doc.name, doc.type, Array.from(await doc.bytes()), parsed.get("note"), again.get("doc").name, again.get("note")];
            })()
            """)
        #expect(result == #"[true,true,"d.bin","application/x-thing",[0,255,10,13],"héllo","d.bin","héllo"]"#)
    }
}
