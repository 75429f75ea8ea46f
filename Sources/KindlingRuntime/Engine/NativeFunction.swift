import CJavaScriptCore
import Foundation

/// The body of a host function: runs on the isolate's thread with the calling context, `this` and the arguments,
/// and returns a value (`nil` for `undefined`). A thrown ``ScriptError`` becomes a JS exception of that name.
typealias NativeFunctionBody = (_ context: JSContextRef, _ this: JSObjectRef?, _ arguments: HostArguments) throws
    -> JSValueRef?

/// The arguments of a host function call; reading past the end gives `undefined`.
struct HostArguments {
    let context: JSContextRef
    let count: Int
    let values: UnsafePointer<JSValueRef?>?

    subscript(index: Int) -> JSValueRef {
        if index < count, let value = values?[index] { return value }
        return JSValueMakeUndefined(context)
    }
}

/// The Swift closure behind one host function object.
///
/// Ownership: ``NativeFunctions/make(_:functionPrototype:clock:body:)`` retains the box once
/// (`Unmanaged.passRetained`) and stores it as the object's private data; the class's finalizer releases it when
/// JavaScriptCore collects the object.
final class NativeFunctionBox {
    let body: NativeFunctionBody
    /// The context's clock: a host call counts as a nested entry, so a call back into JavaScript from the body is
    /// never taken for an outermost one (``ScriptContext/call(_:this:_:)``), even when the JavaScript calling the
    /// host function was not entered through the context (a getter a property read ran).
    let clock: FrozenClock
    init(body: @escaping NativeFunctionBody, clock: FrozenClock) {
        self.body = body
        self.clock = clock
    }
}

/// Creates JS function objects backed by Swift closures.
enum NativeFunctions {
    // Safety: a JSClassRef is immutable once created and JavaScriptCore allows it in any context of any group.
    nonisolated(unsafe) static let functionClass: JSClassRef = {
        var definition = kJSClassDefinitionEmpty
        definition.className = UnsafePointer(strdup("NativeFunction"))
        definition.callAsFunction = nativeFunctionCall
        definition.finalize = nativeFunctionFinalize
        return JSClassCreate(&definition)
    }()

    /// Makes a callable object whose prototype is `Function.prototype`.
    static func make(
        _ context: JSContextRef, functionPrototype: JSValueRef?, clock: FrozenClock, body: @escaping NativeFunctionBody
    ) -> JSObjectRef {
        let box = Unmanaged.passRetained(NativeFunctionBox(body: body, clock: clock)).toOpaque()
        let object: JSObjectRef = JSObjectMake(context, functionClass, box)
        if let functionPrototype { JSObjectSetPrototype(context, object, functionPrototype) }
        return object
    }
}

private func nativeFunctionCall(
    _ context: JSContextRef?, _ function: JSObjectRef?, _ this: JSObjectRef?, _ count: Int,
    _ arguments: UnsafePointer<JSValueRef?>?, _ exception: UnsafeMutablePointer<JSValueRef?>?
) -> JSValueRef? {
    guard let context, let function, let raw = JSObjectGetPrivate(function) else { return nil }
    // Safety: the private data is the box retained in NativeFunctions.make; the object is alive while it is called.
    let box = Unmanaged<NativeFunctionBox>.fromOpaque(raw).takeUnretainedValue()
    box.clock.enter()
    defer { box.clock.exit() }
    do {
        return try box.body(context, this, HostArguments(context: context, count: count, values: arguments))
    } catch let error as ScriptError {
        exception?.pointee = ScriptErrors.makeError(context, name: error.name, message: error.message)
    } catch let error as ThrownValue {
        exception?.pointee = error.value
    } catch {
        exception?.pointee = ScriptErrors.makeError(context, name: "Error", message: "\(error)")
    }
    return nil
}

private func nativeFunctionFinalize(_ object: JSObjectRef?) {
    guard let object, let raw = JSObjectGetPrivate(object) else { return }
    // Safety: balances the passRetained of NativeFunctions.make; the finalizer runs once per object.
    Unmanaged<NativeFunctionBox>.fromOpaque(raw).release()
}

/// A JS exception value rethrown unchanged from a host function (used when a nested JS call threw).
struct ThrownValue: Error, @unchecked Sendable {
    // Safety: only ever created and caught on the isolate's thread, within one host function call.
    let value: JSValueRef
}
