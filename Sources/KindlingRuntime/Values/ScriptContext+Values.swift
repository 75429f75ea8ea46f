import CJavaScriptCore
import Foundation

extension ScriptContext {
    /// Copies a JS value into a ``HostValue`` (see there for what survives the copy).
    func hostValue(_ value: JSValueRef, depth: Int = 0) -> HostValue {
        switch JSValueGetType(global, value) {
        case kJSTypeUndefined: return .undefined
        case kJSTypeNull: return .null
        case kJSTypeBoolean: return .bool(JSValueToBoolean(global, value))
        case kJSTypeNumber: return .number(JSValueToNumber(global, value, nil))
        case kJSTypeString: return .string(Properties.string(global, value))
        case kJSTypeObject: break
        default: return .undefined
        }
        guard depth < 64, let object = JSValueToObject(global, value, nil) else { return .undefined }
        // Arrays first: the commonest objects host functions get (header lists), and never bytes, handles or
        // functions, so they skip those checks — each is an API call.
        if JSValueIsArray(global, value) {
            return .array(
                (0..<Properties.arrayLength(global, object)).map { index in
                    JSObjectGetPropertyAtIndex(global, object, UInt32(index), nil).map {
                        hostValue($0, depth: depth + 1)
                    } ?? .undefined
                })
        }
        if let bytes = bytes(of: value) { return .bytes(bytes) }
        if let stream: BodyStream = NativeHandles.objectIfHandle(global, value) { return .stream(stream) }
        if JSObjectIsFunction(global, object) { return .undefined }
        if JSValueIsDate(global, value) {
            return .string(Properties.string(global, value))
        }
        guard let names = JSObjectCopyPropertyNames(global, object) else { return .object([:]) }
        defer { JSPropertyNameArrayRelease(names) }
        var members: [String: HostValue] = [:]
        for index in 0..<JSPropertyNameArrayGetCount(names) {
            guard let name = JSPropertyNameArrayGetNameAtIndex(names, index) else { continue }
            let member = JSObjectGetProperty(global, object, name, nil).map { hostValue($0, depth: depth + 1) }
            if let member, member != .undefined { members[JSStrings.string(name)] = member }
        }
        return .object(members)
    }

    /// Makes a JS value from a ``HostValue``; bytes become a `Uint8Array`.
    func jsValue(_ value: HostValue) -> JSValueRef? {
        switch value {
        case .undefined: return JSValueMakeUndefined(global)
        case .null: return JSValueMakeNull(global)
        case .bool(let bool): return JSValueMakeBoolean(global, bool)
        case .number(let number): return JSValueMakeNumber(global, number)
        case .string(let string): return makeString(string)
        case .bytes(let bytes): return makeUint8Array(bytes)
        case .stream(let stream): return try? incomingStream(stream)
        case .array(let elements):
            return makeArray(count: elements.count) { index in jsValue(elements[index]) }
        case .object(let members):
            guard let object = JSObjectMake(global, nil, nil) else { return nil }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                Properties.set(global, object, key, jsValue(member))
            }
            return object
        }
    }

    /// A JS array of `count` values made one at a time by `element`.
    ///
    /// The array is made first and each value goes into it as soon as it is made. The collector scans only the
    /// native stack: values waiting in a Swift array (its buffer is on the heap) while the next one is made could be
    /// collected by that allocation, and their cells reused — a response header list turning into another string.
    func makeArray<E: Error>(count: Int, _ element: (Int) throws(E) -> JSValueRef?) throws(E) -> JSObjectRef? {
        try Self.makeArray(in: global, count: count, element)
    }

    /// ``makeArray(count:_:)`` for code that has only the `JSContextRef`.
    static func makeArray<E: Error>(in context: JSContextRef, count: Int, _ element: (Int) throws(E) -> JSValueRef?)
        throws(E) -> JSObjectRef?
    {
        guard let array = JSObjectMakeArray(context, 0, nil, nil) else { return nil }
        for index in 0..<count {
            JSObjectSetPropertyAtIndex(context, array, UInt32(index), try element(index) ?? JSValueMakeUndefined(context), nil)
        }
        return array
    }

    /// Runs `body` with room for eight JS values on the native stack, all `nil` to begin with.
    ///
    /// The collector scans the native stack (conservatively) but not the heap, so values made one after another
    /// for a call stay alive here with no protection — in a Swift array's heap buffer the next allocation could
    /// collect them (see ``protected(_:)``). Eight pointers are far below the size `withUnsafeTemporaryAllocation`
    /// always takes from the stack.
    func withStackValues<R>(
        _ body: (UnsafeMutableBufferPointer<JSValueRef?>) throws(ScriptError) -> R
    ) throws(ScriptError) -> R {
        let result: Result<R, ScriptError> = withUnsafeTemporaryAllocation(of: JSValueRef?.self, capacity: 8) { values in
            values.initialize(repeating: nil)
            do throws(ScriptError) {
                return .success(try body(values))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// `value`, protected from the collector until ``unprotect(_:)``: for arguments made one after another for a
    /// call, which until then live only in a Swift array the collector does not scan (see ``makeArray(count:_:)``).
    func protected(_ value: JSValueRef?) -> JSValueRef? {
        if let value { JSValueProtect(global, value) }
        return value
    }

    /// Ends the protection ``protected(_:)`` gave each of `values`.
    func unprotect(_ values: some Sequence<JSValueRef?>) {
        for case let value? in values { JSValueUnprotect(global, value) }
    }

    func makeString(_ string: String) -> JSValueRef? {
        JSStrings.with(string) { JSValueMakeString(global, $0) }
    }

    /// A `Uint8Array` over a copy of `bytes`, owned by JavaScriptCore (freed by its deallocator).
    func makeUint8Array(_ bytes: some Collection<UInt8>) -> JSValueRef? {
        let count = bytes.count
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        let buffer = UnsafeMutableRawBufferPointer(start: storage, count: count)
        buffer.copyBytes(from: bytes)
        return JSObjectMakeTypedArrayWithBytesNoCopy(
            global, kJSTypedArrayTypeUint8Array, storage, count,
            { pointer, _ in pointer?.deallocate() }, nil, nil)
    }

    /// The bytes of an `ArrayBuffer` or an `ArrayBufferView`; nil for anything else.
    func bytes(of value: JSValueRef) -> [UInt8]? {
        bytesPointer(of: value).map { Array($0) }
    }

    /// Where the bytes of an `ArrayBuffer` or an `ArrayBufferView` are (valid while the value is alive and
    /// unchanged); nil for anything else.
    func bytesPointer(of value: JSValueRef) -> UnsafeRawBufferPointer? {
        let type = JSValueGetTypedArrayType(global, value, nil)
        guard type != kJSTypedArrayTypeNone, let object = JSValueToObject(global, value, nil) else { return nil }
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        if type == kJSTypedArrayTypeArrayBuffer {
            let length = JSObjectGetArrayBufferByteLength(global, object, nil)
            guard length > 0, let pointer = JSObjectGetArrayBufferBytesPtr(global, object, nil) else { return empty }
            return UnsafeRawBufferPointer(start: pointer, count: length)
        }
        let length = JSObjectGetTypedArrayByteLength(global, object, nil)
        // The bytes pointer is the start of the backing buffer, not of the view.
        let offset = JSObjectGetTypedArrayByteOffset(global, object, nil)
        guard length > 0, let pointer = JSObjectGetTypedArrayBytesPtr(global, object, nil) else { return empty }
        return UnsafeRawBufferPointer(start: pointer + offset, count: length)
    }

    /// The arguments of a host call copied out as ``HostValue``s.
    func hostValues(_ arguments: HostArguments) -> [HostValue] {
        (0..<arguments.count).map { hostValue(arguments[$0]) }
    }
}
