import KindlingRuntime
import Testing

@Suite("structuredClone")
struct StructuredCloneTests {
    @Test(
        "clones built-in types into equal, distinct values",
        arguments: [
            (#"(() => { const d = new Date(1234); const c = structuredClone(d); return [c !== d, c instanceof Date, c.getTime()]; })()"#, "[true,true,1234]"),
            (#"Number.isNaN(structuredClone(new Date(NaN)).getTime())"#, "true"),
            // lastIndex is not part of a RegExp's serialization.
            (#"(() => { const r = /a+/giu; r.lastIndex = 3; const c = structuredClone(r); return [c !== r, c instanceof RegExp, c.source, c.flags, c.lastIndex]; })()"#, #"[true,true,"a+","giu",0]"#),
            (#"(() => { const m = new Map([[{ k: 1 }, new Set([1, "x"])]]); const c = structuredClone(m); const [[k, v]] = c; return [c instanceof Map, k, v instanceof Set, [...v]]; })()"#, #"[true,{"k":1},true,[1,"x"]]"#),
            (#"[typeof structuredClone(new Number(3)), structuredClone(new Number(3)) + 0, structuredClone(new String("s")) + "", structuredClone(new Boolean(false)).valueOf(), typeof structuredClone(Object(7n))]"#, #"["object",3,"s",false,"object"]"#),
            (#"[structuredClone(undefined) === undefined, structuredClone(null), Number.isNaN(structuredClone(NaN)), Object.is(structuredClone(-0), -0), structuredClone(10n) === 10n, structuredClone("s")]"#, #"[true,null,true,true,true,"s"]"#),
            // Holes and extra properties of arrays survive.
            (#"(() => { const a = [1, , 3]; a.extra = 5; const c = structuredClone(a); return [Array.isArray(c), c.length, 1 in c, c.extra]; })()"#, "[true,3,false,5]"),
            // Prototypes, symbol keys, non-enumerable properties and methods are dropped; getters are read.
            (#"(() => { class K { constructor() { this.x = 1; } method() {} } const c = structuredClone(new K()); return [Object.getPrototypeOf(c) === Object.prototype, c]; })()"#, #"[true,{"x":1}]"#),
            (#"structuredClone({ [Symbol("s")]: 1, a: 2, get g() { return 3; } })"#, #"{"a":2,"g":3}"#),
            (#"structuredClone(Object.create({ inherited: 1 }, { own: { value: 2, enumerable: true }, hidden: { value: 3 } }))"#, #"{"own":2}"#),
            (#"(() => { const o = Object.create(null); o.a = 1; const c = structuredClone(o); return [Object.getPrototypeOf(c) === Object.prototype, c.a]; })()"#, "[true,1]"),
            // An own "__proto__" key is copied as data and does not set the clone's prototype.
            (#"(() => { const c = structuredClone(JSON.parse('{"__proto__": {"x": 1}}')); return [Object.getPrototypeOf(c) === Object.prototype, Object.keys(c), c.__proto__.x]; })()"#, #"[true,["__proto__"],1]"#),
            // A Date whose prototype was swapped is still a Date (the internal slot decides).
            (#"(() => { const d = new Date(5); Object.setPrototypeOf(d, Object.prototype); const c = structuredClone(d); return [c instanceof Date, c.getTime()]; })()"#, "[true,5]"),
        ])
    func builtins(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == expected)
    }

    @Test("ArrayBuffers are copied; views keep their type, offset, length and a shared cloned buffer")
    func buffers() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const ab = new ArrayBuffer(8);
              const u8 = new Uint8Array(ab, 2, 3);
              u8[0] = 9;
              const dv = new DataView(ab, 1, 4);
              const c = structuredClone({ u8, dv, ab, f64: new Float64Array([1.5, 2]), big: new BigInt64Array([5n]) });
              u8[0] = 1;
              return [c.ab !== ab, c.u8.buffer === c.ab, c.dv.buffer === c.ab, c.u8.byteOffset, c.u8.length, c.u8[0],
                c.dv.byteOffset, c.dv.byteLength, c.f64 instanceof Float64Array, Array.from(c.f64), c.big[0] === 5n];
            })()
            """)
        #expect(result == "[true,true,true,2,3,9,1,4,true,[1.5,2],true]")
    }

    @Test("a resizable ArrayBuffer stays resizable with the same maximum")
    func resizable() async throws {
        let result = try await evaluateWebAPI(
            "(() => { const c = structuredClone(new ArrayBuffer(2, { maxByteLength: 8 })); return [c.resizable, c.byteLength, c.maxByteLength]; })()")
        #expect(result == "[true,2,8]")
    }

    @Test("cycles and shared references keep their shape")
    func cycles() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const o = { name: "root" };
              o.self = o;
              const shared = { n: 1 };
              o.list = [shared, shared, o];
              const m = new Map();
              m.set("m", m);
              o.map = m;
              const c = structuredClone(o);
              return [c !== o, c.self === c, c.list[0] === c.list[1], c.list[0] !== shared, c.list[2] === c,
                c.map.get("m") === c.map];
            })()
            """)
        #expect(result == "[true,true,true,true,true,true]")
    }

    @Test("errors keep their type, message, stack and cause; unknown names become Error")
    func errors() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const e = new TypeError("bad", { cause: { code: 1 } });
              e.extra = 2;
              const c = structuredClone(e);
              const custom = new Error("y");
              custom.name = "Custom";
              class Mine extends RangeError {}
              const d = structuredClone(new DOMException("gone", "NotFoundError"));
              return [c !== e, c instanceof TypeError, c.name, c.message, c.cause, c.extra, c.stack === e.stack,
                Object.keys(c), structuredClone(custom).name, structuredClone(new Mine("m")).constructor === RangeError,
                d instanceof DOMException, d.name, d.message, d.code];
            })()
            """)
        #expect(result == #"[true,true,"TypeError","bad",{"code":1},null,true,[],"Error",true,true,"NotFoundError","gone",8]"#)
    }

    @Test(
        "uncloneable values throw a DataCloneError DOMException worded as V8 does",
        arguments: [
            (#"() => {}"#, "() => {} could not be cloned."),
            (#"{ a: { f: function foo(a) { return a; } } }"#, "function foo(a) { return a; } could not be cloned."),
            (#"Symbol("x")"#, "Symbol(x) could not be cloned."),
            (#"Object(Symbol("x"))"#, "#<Symbol> could not be cloned."),
            (#"Promise.resolve()"#, "#<Promise> could not be cloned."),
            (#"new WeakMap()"#, "#<WeakMap> could not be cloned."),
            (#"new WeakSet()"#, "#<WeakSet> could not be cloned."),
            (#"new URL("https://example.com/")"#, "#<URL> could not be cloned."),
            (#"new Headers()"#, "#<Headers> could not be cloned."),
            (#"new Response("x")"#, "#<Response> could not be cloned."),
            (#"[new Request("https://example.com/")]"#, "#<Request> could not be cloned."),
        ])
    func uncloneable(value: String, message: String) async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              try { structuredClone(\(value)); return "no error"; }
              catch (e) { return [e instanceof DOMException, e.name, e.code, e.message]; }
            })()
            """)
        #expect(result == "[true,\"DataCloneError\",25,\(jsString(message))]")
    }

    @Test("transfer detaches the listed buffers once the clone succeeded")
    func transfer() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const buffer = new ArrayBuffer(4);
              new Uint8Array(buffer)[1] = 7;
              const c = structuredClone({ view: new Uint8Array(buffer, 1) }, { transfer: [buffer] });
              const keep = new ArrayBuffer(1);
              const failed = thrown(() => structuredClone({ keep, f() {} }, { transfer: [keep] }));
              return [buffer.byteLength, buffer.detached, c.view.byteOffset, c.view[0], c.view.buffer.byteLength,
                failed, keep.byteLength];
            })()
            """)
        #expect(result == #"[0,true,1,7,4,"DataCloneError: f() {} could not be cloned.",1]"#)
    }

    @Test(
        "bad arguments and transfer lists are refused",
        arguments: [
            (#"thrown(() => structuredClone())"#, "TypeError: Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope': 1 argument required, but only 0 present."),
            (#"thrown(() => structuredClone(1, 5))"#, "TypeError: Failed to execute 'structuredClone': The provided value is not of type 'StructuredSerializeOptions'."),
            (#"thrown(() => structuredClone(1, { transfer: 5 }))"#, "TypeError: Failed to execute 'structuredClone': The provided value cannot be converted to a sequence."),
            (#"thrown(() => structuredClone(1, { transfer: [{}] }))"#, "DataCloneError: Value not transferable"),
            (#"thrown(() => { const b = new ArrayBuffer(1); structuredClone(1, { transfer: [b, b] }); })"#, "DataCloneError: ArrayBuffer is duplicated in the transfer list."),
            (#"thrown(() => { const b = new ArrayBuffer(1); b.transfer(); structuredClone(b); })"#, "DataCloneError: An ArrayBuffer is detached and could not be cloned."),
        ])
    func badArguments(source: String, expected: String) async throws {
        #expect(try await evaluateWebAPI(source) == jsString(expected))
    }
}
