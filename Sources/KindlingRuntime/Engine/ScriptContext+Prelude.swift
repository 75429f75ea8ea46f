import CJavaScriptCore
import Synchronization

extension ScriptContext {
    /// What each deferred unit defines, learned from the first isolate that ran them; nil until then. Process-wide
    /// (the files are compiled into the binary); the string is never released.
    private static let deferredNames = Mutex<DeferredNames?>(nil)

    private struct DeferredNames: @unchecked Sendable {
        // Safety: a JSStringRef is immutable and thread-safe.
        /// The spec `host.deferUnits` takes (20-runtime.js): per unit, its globals, internal members and host members.
        let spec: JSStringRef
        /// Each global name a unit defines, with the unit's index.
        let globals: [(name: JSStringRef, unit: Int)]
    }

    /// Runs the creation files, then either the deferred files (first isolate of the process, or when
    /// ``IsolateConfiguration/defersWebAPIs`` is off) or the accessors that run them on first use (see ``Prelude``).
    func loadPrelude() throws(ScriptError) {
        try Prelude.evaluate(Prelude.creationSources, in: self)
        guard configuration.defersWebAPIs else {
            try Prelude.evaluate(Prelude.deferredSources, in: self)
            return
        }
        if let known = Self.deferredNames.withLock({ $0 }) {
            try deferUnits(known)
            return
        }
        // Learn what each unit defines or replaces (JavaScriptCore's own do-nothing `console` is replaced):
        // snapshot the own properties of the global object, the internal object and `host` around each unit.
        let reflection = try Reflection(self)
        guard let globalObject = JSContextGetGlobalObject(global),
            let internalMembers = Properties.get(global, host, "internal")?.asObject(in: global)
        else { return }
        let targets = [globalObject, internalMembers, host]
        var protected: [JSValueRef] = []
        defer { for value in protected { JSValueUnprotect(global, value) } }
        func snapshot() throws(ScriptError) -> [[String: JSValueRef]] {
            var result: [[String: JSValueRef]] = []
            for target in targets {
                var values: [String: JSValueRef] = [:]
                for name in try reflection.ownPropertyNames(target) {
                    guard let (value, _) = try reflection.ownValue(target, name) else { continue }
                    JSValueProtect(global, value)
                    protected.append(value)
                    values[name] = value
                }
                result.append(values)
            }
            return result
        }
        var before = try snapshot()
        var units: [String] = []
        var globals: [(name: JSStringRef, unit: Int)] = []
        for (unitIndex, unit) in Prelude.deferredUnits.enumerated() {
            try Prelude.evaluate(unit, in: self)
            let after = try snapshot()
            var lists: [String] = []
            for (index, values) in after.enumerated() {
                var names: [String] = []
                for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                    if let old = before[index][name], isSameValue(old, value) { continue }
                    if index == 1 && name.hasSuffix("Hook") { continue }
                    names.append(name)
                    if index == 0 { globals.append((JSStrings.make(name), unitIndex)) }
                }
                lists.append(names.joined(separator: ","))
            }
            units.append(lists.joined(separator: "|"))
            before = after
        }
        let spec = JSStrings.make(units.joined(separator: ";"))
        Self.deferredNames.withLock { known in
            if known == nil { known = DeferredNames(spec: spec, globals: globals) }
        }
    }

    /// `Object.is(a, b)`, near enough: strict equality, and NaN is NaN.
    private func isSameValue(_ a: JSValueRef, _ b: JSValueRef) -> Bool {
        if JSValueIsStrictEqual(global, a, b) { return true }
        return JSValueIsNumber(global, a) && JSValueIsNumber(global, b)
            && JSValueToNumber(global, a, nil).isNaN && JSValueToNumber(global, b, nil).isNaN
    }

    /// Installs the accessors that run each deferred unit on first use of a name it defines.
    private func deferUnits(_ names: DeferredNames) throws(ScriptError) {
        let load = makeFunction { [unowned(unsafe) self] context, _, arguments in
            // Safety (unowned(unsafe)): only JS calls this, and JS only runs on an open context.
            try loadDeferredUnit(Int(JSValueToNumber(context, arguments[0], nil)))
            return nil
        }
        guard let deferUnits = hostFunction("deferUnits") else {
            throw ScriptError(name: "Error", message: "Kindling runtime function deferUnits is missing from the prelude")
        }
        // Each string goes into the array as it is made: one held only in a Swift array's heap buffer could be
        // collected by the next allocation (the collector scans the native stack, not the heap).
        let array = JSObjectMakeArray(global, 0, nil, nil)
        for (index, (name, unit)) in names.globals.enumerated() {
            JSObjectSetPropertyAtIndex(global, array, UInt32(index * 2), JSValueMakeString(global, name), nil)
            JSObjectSetPropertyAtIndex(global, array, UInt32(index * 2 + 1), JSValueMakeNumber(global, Double(unit)), nil)
        }
        let spec = JSValueMakeString(global, names.spec)
        _ = try call(deferUnits, [spec, array, load])
    }

    /// Runs deferred unit `index` (called by the prelude's accessors, once per unit), with `__kindling` back on the
    /// global object while it runs. Units load others they use, so loads nest.
    private func loadDeferredUnit(_ index: Int) throws(ScriptError) {
        guard Prelude.deferredUnits.indices.contains(index) else { return }
        let globalObject = JSContextGetGlobalObject(global)
        if deferredLoadDepth == 0 {
            Properties.set(
                global, globalObject, "__kindling", host, attributes: JSPropertyAttributes(kJSPropertyAttributeDontEnum))
        }
        deferredLoadDepth += 1
        defer {
            deferredLoadDepth -= 1
            if deferredLoadDepth == 0 {
                JSStrings.with("__kindling") { _ = JSObjectDeleteProperty(global, globalObject, $0, nil) }
            }
        }
        try Prelude.evaluate(Prelude.deferredUnits[index], in: self)
    }

    /// The prelude's host function `name`, read from `__kindling` on first use and kept; when a deferred unit
    /// defines it, reading it runs the unit.
    func internalFunction(_ name: String) throws(ScriptError) -> JSObjectRef? {
        if let function = internals[name] { return function }
        guard let function = hostFunction(name) else { return nil }
        JSValueProtect(global, function)
        internals[name] = function
        return function
    }

    /// A function the runtime prelude put on `__kindling`.
    private func hostFunction(_ name: String) -> JSObjectRef? {
        guard let function = Properties.get(global, host, name)?.asObject(in: global), JSObjectIsFunction(global, function)
        else { return nil }
        return function
    }
}
