import CJavaScriptCore

/// Reading a loaded worker's exports, and the globals the deferred prelude defines, through ECMAScript's reflection
/// built-ins called from Swift.
///
/// `Object.keys`, `Object.getOwnPropertyNames` and `Object.getOwnPropertyDescriptor` are C++ functions in
/// JavaScriptCore: calling them through the C API compiles nothing, where the same loop written in the prelude
/// costs a new VM parsing and compiling it (a few hundred thousand instructions, a tenth of a millisecond of every
/// worker's start).
extension ScriptContext {
    /// Describes each export: a class (and the `cloudflare:workers` class it extends), a function, an object with
    /// methods, or another value.
    func describeExports(_ exports: JSObjectRef) throws(ScriptError) -> [String: WorkerExports.Export] {
        let reflection = try Reflection(self)
        var bases: [(JSObjectRef, String)]?
        var result: [String: WorkerExports.Export] = [:]
        for name in try reflection.keys(exports) {
            let value = try reflection.get(exports, name)
            guard let object = value.asObject(in: global) else {
                result[name] = WorkerExports.Export(name: name, kind: .value, baseClass: nil, methods: [])
                continue
            }
            guard JSObjectIsFunction(global, object) else {
                let methods = try reflection.methodNames(object, stop: nil)
                result[name] = WorkerExports.Export(name: name, kind: .object, baseClass: nil, methods: methods)
                continue
            }
            if bases == nil { bases = try workersBaseClasses() }
            let base = baseClass(of: object, among: bases ?? [])
            var isClass = base != nil
            if !isClass { isClass = try isClassSource(object) }
            guard isClass else {
                result[name] = WorkerExports.Export(name: name, kind: .function, baseClass: nil, methods: [])
                continue
            }
            var stop: JSObjectRef?
            if let base { stop = try reflection.get(base.0, "prototype").asObject(in: global) }
            var methods: [String] = []
            if let prototype = try reflection.get(object, "prototype").asObject(in: global) {
                methods = try reflection.methodNames(prototype, stop: stop)
            }
            result[name] = WorkerExports.Export(name: name, kind: .class, baseClass: base?.1, methods: methods)
        }
        return result
    }

    /// The classes of `cloudflare:workers` a worker's classes may extend, with their names; none when the worker
    /// did not import the module.
    private func workersBaseClasses() throws(ScriptError) -> [(JSObjectRef, String)] {
        guard let module = try callInternal("importedWorkersModule", []).asObject(in: global) else { return [] }
        return ["WorkerEntrypoint", "DurableObject", "WorkflowEntrypoint", "RpcTarget"].compactMap { name in
            Properties.get(global, module, name)?.asObject(in: global).map { ($0, name) }
        }
    }

    /// The first of `bases` on the constructor chain of `function` (itself included).
    private func baseClass(of function: JSObjectRef, among bases: [(JSObjectRef, String)]) -> (JSObjectRef, String)? {
        var current: JSObjectRef? = function
        while let constructor = current, JSObjectIsFunction(global, constructor),
            !Reflection.same(global, constructor, functionPrototype)
        {
            if let base = bases.first(where: { JSValueIsStrictEqual(global, $0.0, constructor) }) { return base }
            current = JSObjectGetPrototype(global, constructor).asObject(in: global)
        }
        return nil
    }

    /// Whether the source of `function` (`Function.prototype.toString`) starts with `class` and then white space or
    /// `{`, as `/^class[\s{]/` tests.
    private func isClassSource(_ function: JSObjectRef) throws(ScriptError) -> Bool {
        guard let toString = Properties.get(global, functionPrototype?.asObject(in: global), "toString")?.asObject(in: global)
        else { return false }
        let source = Properties.string(global, try call(toString, this: function, []))
        var scalars = source.unicodeScalars.makeIterator()
        for expected in "class".unicodeScalars where scalars.next() != expected { return false }
        guard let next = scalars.next() else { return false }
        return next == "{" || Self.isECMAScriptSpace(next)
    }

    /// Whether `scalar` is ECMAScript WhiteSpace or a LineTerminator (what `\s` matches).
    private static func isECMAScriptSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x2028, 0x2029, 0xFEFF: return true
        default: return scalar.properties.generalCategory == .spaceSeparator
        }
    }
}

/// `Object.keys`, `Object.getOwnPropertyNames` and `Object.getOwnPropertyDescriptor` of one context, called from
/// Swift.
struct Reflection {
    private let context: ScriptContext
    private let keysFunction: JSObjectRef
    private let namesFunction: JSObjectRef
    private let descriptorFunction: JSObjectRef
    private let objectPrototype: JSObjectRef?

    init(_ context: ScriptContext) throws(ScriptError) {
        let global = context.global
        guard let object = Properties.get(global, JSContextGetGlobalObject(global), "Object")?.asObject(in: global),
            let keys = Properties.get(global, object, "keys")?.asObject(in: global),
            let names = Properties.get(global, object, "getOwnPropertyNames")?.asObject(in: global),
            let descriptor = Properties.get(global, object, "getOwnPropertyDescriptor")?.asObject(in: global)
        else { throw ScriptError(name: "Error", message: "The Object built-ins are missing from this isolate.") }
        self.context = context
        keysFunction = keys
        namesFunction = names
        descriptorFunction = descriptor
        objectPrototype = Properties.get(global, object, "prototype")?.asObject(in: global)
    }

    /// `Object.keys(object)`.
    func keys(_ object: JSObjectRef) throws(ScriptError) -> [String] {
        try strings(context.call(keysFunction, [object]))
    }

    /// `Object.getOwnPropertyNames(object)`.
    func ownPropertyNames(_ object: JSObjectRef) throws(ScriptError) -> [String] {
        try strings(context.call(namesFunction, [object]))
    }

    /// `object[name]` (a getter runs).
    func get(_ object: JSObjectRef, _ name: String) throws(ScriptError) -> JSValueRef {
        var exception: JSValueRef?
        let value = JSStrings.with(name) { JSObjectGetProperty(context.global, object, $0, &exception) }
        return try context.finishEntry(value, exception)
    }

    /// The value of own property `name` of `object` without running a getter: a data property's value, or an
    /// accessor's getter (`getter` true); nil when there is no such property.
    func ownValue(_ object: JSObjectRef, _ name: String) throws(ScriptError) -> (value: JSValueRef, getter: Bool)? {
        let global = context.global
        guard let descriptor = try context.call(descriptorFunction, [object, context.makeString(name)]).asObject(in: global)
        else { return nil }
        if let getter = Properties.get(global, descriptor, "get"), !JSValueIsUndefined(global, getter) {
            return (getter, true)
        }
        return Properties.get(global, descriptor, "value").map { ($0, false) }
    }

    /// Names of the function-valued own data properties along the prototype chain of `object`, up to `stop` (or
    /// `Object.prototype`), sorted; "constructor" left out.
    func methodNames(_ object: JSObjectRef, stop: JSObjectRef?) throws(ScriptError) -> [String] {
        let global = context.global
        var names: [String] = []
        var current: JSObjectRef? = object
        while let level = current, !Self.same(global, level, stop), !Self.same(global, level, objectPrototype) {
            for key in try ownPropertyNames(level) where key != "constructor" && !names.contains(key) {
                guard let (value, getter) = try ownValue(level, key), !getter,
                    let function = value.asObject(in: global), JSObjectIsFunction(global, function)
                else { continue }
                names.append(key)
            }
            current = JSObjectGetPrototype(global, level).asObject(in: global)
        }
        return names.sorted()
    }

    /// Whether `value` is `other` (false when `other` is nil).
    static func same(_ context: JSContextRef, _ value: JSValueRef, _ other: JSValueRef?) -> Bool {
        guard let other else { return false }
        return JSValueIsStrictEqual(context, value, other)
    }

    /// The strings of a JS array.
    private func strings(_ array: JSValueRef) -> [String] {
        let global = context.global
        guard let object = array.asObject(in: global) else { return [] }
        let count = Properties.arrayLength(global, object)
        return (0..<count).compactMap { index in
            JSObjectGetPropertyAtIndex(global, object, UInt32(index), nil).flatMap { Properties.stringIfString(global, $0) }
        }
    }
}
