import CJavaScriptCore
import Foundation

/// JS objects that own a Swift object for the prelude's host functions: a ``ZlibStream`` behind
/// `CompressionStream`, an ``IncrementalHash`` behind `crypto.DigestStream`, a ``BodyStream`` crossing a host
/// function's arguments (``HostValue/stream(_:)``).
///
/// Ownership: ``make(_:_:)`` retains the object once (`Unmanaged.passRetained`) as the JS object's private data; the
/// class's finalizer releases it when JavaScriptCore collects the JS object, so Swift's state lives exactly as long
/// as the handle JS holds.
enum NativeHandles {
    /// The retained object, boxed so that objects of any class share one JS class.
    private final class Box {
        let object: AnyObject
        init(_ object: AnyObject) { self.object = object }
    }

    // Safety: a JSClassRef is immutable once created and JavaScriptCore allows it in any context of any group.
    nonisolated(unsafe) static let handleClass: JSClassRef = {
        var definition = kJSClassDefinitionEmpty
        definition.className = UnsafePointer(strdup("NativeHandle"))
        definition.finalize = { object in
            guard let object, let raw = JSObjectGetPrivate(object) else { return }
            // Safety: balances the passRetained of make; the finalizer runs once per object.
            Unmanaged<Box>.fromOpaque(raw).release()
        }
        return JSClassCreate(&definition)
    }()

    static func make(_ context: JSContextRef, _ object: AnyObject) -> JSObjectRef {
        JSObjectMake(context, handleClass, Unmanaged.passRetained(Box(object)).toOpaque())
    }

    /// The object behind handle `value`, or nil when `value` is not a handle of a `T`.
    static func objectIfHandle<T: AnyObject>(_ context: JSContextRef, _ value: JSValueRef?) -> T? {
        guard let value, JSValueIsObjectOfClass(context, value, handleClass),
            let handle = JSValueToObject(context, value, nil),
            let raw = JSObjectGetPrivate(handle)
        else { return nil }
        // Safety: the private data is the box retained in make; the handle is alive while the caller holds it.
        return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().object as? T
    }

    /// The object behind handle `value`; a TypeError ("Illegal invocation") for anything else.
    static func object<T: AnyObject>(_ context: JSContextRef, _ value: JSValueRef?) throws(ScriptError) -> T {
        guard let object: T = objectIfHandle(context, value) else {
            throw ScriptError(name: "TypeError", message: "Illegal invocation")
        }
        return object
    }
}
