import CJavaScriptCore
import Synchronization

extension ScriptContext {
    /// The global names the deferred prelude files define or replace, learned from the first isolate that ran
    /// them; nil until then. Process-wide (the files are compiled into the binary); the strings are never released.
    private static let deferredGlobals = Mutex<DeferredGlobals?>(nil)

    private struct DeferredGlobals: @unchecked Sendable {
        // Safety: a JSStringRef is immutable and thread-safe.
        let names: [JSStringRef]
    }

    /// Runs the creation files, then either the deferred files (first isolate of the process, or when
    /// ``IsolateConfiguration/defersWebAPIs`` is off) or the accessors that run them on first use (see ``Prelude``).
    func loadPrelude() throws(ScriptError) {
        try Prelude.evaluate(Prelude.creationSources, in: self)
        if configuration.defersWebAPIs, let known = Self.deferredGlobals.withLock({ $0 }) {
            try deferPrelude(known.names)
            return
        }
        // Learn which globals the deferred files define or replace (JavaScriptCore's own do-nothing `console` is
        // replaced): snapshot the global object's own properties, run the files, compare.
        let reflection = try Reflection(self)
        guard let globalObject = JSContextGetGlobalObject(global) else { return }
        var before: [String: JSValueRef] = [:]
        defer { for value in before.values { JSValueUnprotect(global, value) } }
        for name in try reflection.ownPropertyNames(globalObject) {
            guard let (value, _) = try reflection.ownValue(globalObject, name) else { continue }
            JSValueProtect(global, value)
            before[name] = value
        }
        try Prelude.evaluate(Prelude.deferredSources, in: self)
        deferredPreludeLoaded = true
        var names: [String] = []
        for name in try reflection.ownPropertyNames(globalObject) {
            guard let (value, _) = try reflection.ownValue(globalObject, name) else { continue }
            if let old = before[name], isSameValue(old, value) { continue }
            names.append(name)
        }
        Self.deferredGlobals.withLock { known in
            if known == nil { known = DeferredGlobals(names: names.map(JSStrings.make)) }
        }
    }

    /// `Object.is(a, b)`, near enough: strict equality, and NaN is NaN.
    private func isSameValue(_ a: JSValueRef, _ b: JSValueRef) -> Bool {
        if JSValueIsStrictEqual(global, a, b) { return true }
        return JSValueIsNumber(global, a) && JSValueIsNumber(global, b)
            && JSValueToNumber(global, a, nil).isNaN && JSValueToNumber(global, b, nil).isNaN
    }

    /// Installs accessors for `names` that run the deferred files on first use.
    private func deferPrelude(_ names: [JSStringRef]) throws(ScriptError) {
        let load = makeFunction { [unowned(unsafe) self] _, _, _ in
            // Safety (unowned(unsafe)): only JS calls this, and JS only runs on an open context.
            try loadDeferredPrelude()
            return nil
        }
        guard let deferGlobals = hostFunction("deferGlobals") else {
            throw ScriptError(name: "Error", message: "Kindling runtime function deferGlobals is missing from the prelude")
        }
        var values = names.map { JSValueMakeString(global, $0) }
        let array = values.withUnsafeMutableBufferPointer { JSObjectMakeArray(global, $0.count, $0.baseAddress, nil) }
        _ = try call(deferGlobals, [array, load])
    }

    /// Runs the deferred files (called by the prelude's accessors, once), with `__kindling` back on the global
    /// object while they run.
    private func loadDeferredPrelude() throws(ScriptError) {
        let globalObject = JSContextGetGlobalObject(global)
        Properties.set(
            global, globalObject, "__kindling", host, attributes: JSPropertyAttributes(kJSPropertyAttributeDontEnum))
        defer { JSStrings.with("__kindling") { _ = JSObjectDeleteProperty(global, globalObject, $0, nil) } }
        try Prelude.evaluate(Prelude.deferredSources, in: self)
        deferredPreludeLoaded = true
    }

    /// The prelude's host function `name`, read from `__kindling` on first use and kept; when a deferred file
    /// defines it, the deferred files run first.
    func internalFunction(_ name: String) throws(ScriptError) -> JSObjectRef? {
        if let function = internals[name] { return function }
        if let function = hostFunction(name) {
            JSValueProtect(global, function)
            internals[name] = function
            return function
        }
        guard !deferredPreludeLoaded,
            let ensure = internalObject.flatMap({ Properties.get(global, $0, "ensureWebAPIs") })?.asObject(in: global)
        else { return nil }
        _ = try call(ensure, [])
        return deferredPreludeLoaded ? try internalFunction(name) : nil
    }

    /// A function the runtime prelude put on `__kindling`.
    private func hostFunction(_ name: String) -> JSObjectRef? {
        guard let function = Properties.get(global, host, name)?.asObject(in: global), JSObjectIsFunction(global, function)
        else { return nil }
        return function
    }
}
