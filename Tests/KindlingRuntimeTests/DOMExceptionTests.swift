import KindlingRuntime
import Testing

@Suite("DOMException")
struct DOMExceptionTests {
    @Test("has a name, message, legacy code and Error's prototype chain")
    func basics() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const e = new DOMException("gone", "NotFoundError");
              return [e.name, e.message, e.code, e instanceof Error, e instanceof DOMException,
                Object.getPrototypeOf(DOMException.prototype) === Error.prototype,
                Object.prototype.toString.call(e), String(e), typeof e.stack, DOMException.length];
            })()
            """)
        #expect(result == #"["NotFoundError","gone",8,true,true,true,"[object DOMException]","NotFoundError: gone","string",0]"#)
    }

    @Test(
        "every name in Web IDL's error names table has its legacy code; others have 0",
        arguments: [
            ("IndexSizeError", 1), ("HierarchyRequestError", 3), ("WrongDocumentError", 4),
            ("InvalidCharacterError", 5), ("NoModificationAllowedError", 7), ("NotFoundError", 8),
            ("NotSupportedError", 9), ("InUseAttributeError", 10), ("InvalidStateError", 11), ("SyntaxError", 12),
            ("InvalidModificationError", 13), ("NamespaceError", 14), ("InvalidAccessError", 15),
            ("TypeMismatchError", 17), ("SecurityError", 18), ("NetworkError", 19), ("AbortError", 20),
            ("URLMismatchError", 21), ("QuotaExceededError", 22), ("TimeoutError", 23), ("InvalidNodeTypeError", 24),
            ("DataCloneError", 25), ("EncodingError", 0), ("OperationError", 0), ("DataError", 0),
            ("NotAllowedError", 0), ("ValidationError", 0), ("abortError", 0),
        ])
    func legacyCodes(name: String, code: Int) async throws {
        #expect(try await evaluateWebAPI("new DOMException('m', \(jsString(name))).code") == "\(code)")
    }

    @Test("the 25 code constants sit on the constructor and the prototype, read-only")
    func constants() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const names = ["INDEX_SIZE_ERR", "DOMSTRING_SIZE_ERR", "HIERARCHY_REQUEST_ERR", "WRONG_DOCUMENT_ERR",
                "INVALID_CHARACTER_ERR", "NO_DATA_ALLOWED_ERR", "NO_MODIFICATION_ALLOWED_ERR", "NOT_FOUND_ERR",
                "NOT_SUPPORTED_ERR", "INUSE_ATTRIBUTE_ERR", "INVALID_STATE_ERR", "SYNTAX_ERR",
                "INVALID_MODIFICATION_ERR", "NAMESPACE_ERR", "INVALID_ACCESS_ERR", "VALIDATION_ERR",
                "TYPE_MISMATCH_ERR", "SECURITY_ERR", "NETWORK_ERR", "ABORT_ERR", "URL_MISMATCH_ERR",
                "QUOTA_EXCEEDED_ERR", "TIMEOUT_ERR", "INVALID_NODE_TYPE_ERR", "DATA_CLONE_ERR"];
              const ok = names.every((n, i) => DOMException[n] === i + 1 && DOMException.prototype[n] === i + 1
                && new DOMException()[n] === i + 1);
              DOMException.ABORT_ERR = 99;
              const d = Object.getOwnPropertyDescriptor(DOMException, "ABORT_ERR");
              return [ok, DOMException.ABORT_ERR, d.writable, d.configurable, d.enumerable];
            })()
            """)
        #expect(result == "[true,20,false,false,true]")
    }

    @Test("arguments convert as DOMStrings: defaults, objects, and a Symbol throws")
    func argumentConversion() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const d = new DOMException();
              const o = new DOMException(undefined, { name: "AbortError" });
              return [d.name, d.message, d.code, new DOMException(null, null).name, new DOMException(12).message,
                o.name, o.message, thrown(() => new DOMException(Symbol("s"))),
                thrown(() => DOMException("x"))];
            })()
            """)
        #expect(
            result
                == #"["Error","",0,"null","12","[object Object]","","TypeError: Cannot convert a symbol to a string","TypeError: Cannot call a class constructor without |new|"]"#
        )
    }

    @Test("name, message and code are prototype accessors that check their receiver")
    func accessors() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const e = new DOMException("m", "AbortError");
              const d = Object.getOwnPropertyDescriptor(DOMException.prototype, "name");
              return [Object.keys(e).length, typeof d.get, d.enumerable, Object.hasOwn(e, "message"),
                thrown(() => d.get.call({})),
                thrown(() => Object.getOwnPropertyDescriptor(DOMException.prototype, "code").get.call(new Error()))];
            })()
            """)
        #expect(result == #"[0,"function",true,false,"TypeError: Illegal invocation","TypeError: Illegal invocation"]"#)
    }

    @Test("a subclass keeps the brand, and structuredClone keeps name, message and stack")
    func subclassAndClone() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              class Mine extends DOMException { constructor() { super("mine", "DataError"); } }
              const m = new Mine();
              const e = new DOMException("gone", "TimeoutError");
              const c = structuredClone(e);
              return [m instanceof DOMException, m.name, m.code, c !== e, c instanceof DOMException, c.name, c.message,
                c.code, c.stack === e.stack];
            })()
            """)
        #expect(result == #"[true,"DataError",0,true,true,"TimeoutError","gone",23,true]"#)
    }

    @Test("internal.domException(name, message) makes one for the other prelude files")
    func internalFactory() async throws {
        let result = try await evaluateWebAPI(
            """
            (() => {
              const e = globalThis[Symbol.for("kindling.internal")].domException("AbortError", "stopped");
              return [e instanceof DOMException, e.name, e.message, e.code];
            })()
            """)
        #expect(result == #"[true,"AbortError","stopped",20]"#)
    }
}
