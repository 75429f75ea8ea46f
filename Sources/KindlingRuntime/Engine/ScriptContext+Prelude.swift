import CJavaScriptCore
import Synchronization

extension ScriptContext {
    /// The global names the Web API prelude files define, learned from the first isolate that ran them; nil until
    /// then. Process-wide: the files are compiled into the binary.
    private static let webAPIGlobals = Mutex<[String]?>(nil)

    /// Runs the runtime prelude, then either the Web API files (first isolate of the process, or when
    /// ``IsolateConfiguration/defersWebAPIs`` is off) or the accessors that run them on first use.
    func loadPrelude() throws(ScriptError) {
        try Prelude.evaluate(Prelude.runtimeSources, in: self)
        let known = Self.webAPIGlobals.withLock { $0 }
        if configuration.defersWebAPIs, let names = known {
            try deferWebAPIs(names)
            return
        }
        let before = try globalNames()
        try Prelude.evaluate(Prelude.webAPISources, in: self)
        let added = try globalNames().subtracting(before)
        Self.webAPIGlobals.withLock { if $0 == nil { $0 = added.sorted() } }
    }

    /// Installs accessors for `names` that run the Web API files on first use (see ``Prelude``).
    private func deferWebAPIs(_ names: [String]) throws(ScriptError) {
        let load = makeFunction { [unowned(unsafe) self] _, _, _ in
            // Safety (unowned(unsafe)): only JS calls this, and JS only runs on an open context.
            try Prelude.evaluate(Prelude.webAPISources, in: self)
            return nil
        }
        let array = makeStringArray(names)
        guard let deferGlobals = hostFunction("deferGlobals") else {
            throw ScriptError(name: "Error", message: "Kindling runtime function deferGlobals is missing from the prelude")
        }
        _ = try call(deferGlobals, [array, load])
    }

    /// `Object.getOwnPropertyNames(globalThis)` as a set.
    private func globalNames() throws(ScriptError) -> Set<String> {
        guard let names = hostFunction("globalNames") else { return [] }
        guard case .array(let values) = hostValue(try call(names, [])) else { return [] }
        return Set(values.compactMap(\.stringValue))
    }

    /// A function the runtime prelude put on `__kindling` (before ``readInternals()`` ran).
    private func hostFunction(_ name: String) -> JSObjectRef? {
        Properties.get(global, host, name)?.asObject(in: global)
    }

    private func makeStringArray(_ strings: [String]) -> JSValueRef? {
        var values = strings.map { makeString($0) }
        return values.withUnsafeMutableBufferPointer { JSObjectMakeArray(global, $0.count, $0.baseAddress, nil) }
    }
}
