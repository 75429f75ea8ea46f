import CJavaScriptCore

extension ScriptContext {
    /// Installs `__kindling.cryptoNative(operation, …arguments)`, the one host function behind `crypto.subtle`.
    ///
    /// One dispatching function rather than one per operation, because host functions are made for every isolate
    /// at start-up and most workers never touch `crypto.subtle`. The JS half (`1d-crypto-*.js`) validates and
    /// normalises everything first; this side only runs the primitive. Runs synchronously on the isolate's thread,
    /// as workerd does (its note: crypto is fast, and doing it inline lets inputs be read without copying).
    func installCryptoFunctions() {
        defineFunction(on: host, "cryptoNative") { context, _, arguments in
            let call = CryptoCall(context: context, arguments: arguments)
            guard let operation = CryptoCall.operations[call.string(0)] else {
                throw CryptoErrors.type("Unknown crypto operation \(call.string(0)).")
            }
            return try operation(call)
        }
    }
}

/// One `cryptoNative` call: typed access to its arguments (after the operation name) and the JS values it returns.
///
/// Bytes are borrowed, not copied: ``bytes(_:)`` points into the JS buffer, which stays put for the call because
/// no JS runs until it returns. Results go back as `ArrayBuffer`s that own a fresh copy.
struct CryptoCall {
    let context: JSContextRef
    let arguments: HostArguments

    func string(_ index: Int) -> String { Properties.string(context, arguments[index]) }

    func int(_ index: Int) -> Int {
        let number = JSValueToNumber(context, arguments[index], nil)
        return number.isFinite ? Int(number) : 0
    }

    func isNull(_ index: Int) -> Bool {
        JSValueIsNull(context, arguments[index]) || JSValueIsUndefined(context, arguments[index])
    }

    /// The bytes of an `ArrayBuffer` or view argument, valid until the call returns; empty for anything else.
    func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        let value = arguments[index]
        let type = JSValueGetTypedArrayType(context, value, nil)
        guard type != kJSTypedArrayTypeNone, let object = JSValueToObject(context, value, nil) else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        if type == kJSTypedArrayTypeArrayBuffer {
            let length = JSObjectGetArrayBufferByteLength(context, object, nil)
            return UnsafeRawBufferPointer(start: JSObjectGetArrayBufferBytesPtr(context, object, nil), count: length)
        }
        let length = JSObjectGetTypedArrayByteLength(context, object, nil)
        // The bytes pointer is the start of the backing buffer, not of the view.
        let offset = JSObjectGetTypedArrayByteOffset(context, object, nil)
        guard length > 0, let base = JSObjectGetTypedArrayBytesPtr(context, object, nil) else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: base + offset, count: length)
    }

    func array(_ index: Int) -> [UInt8] { Array(bytes(index)) }
    func optionalArray(_ index: Int) -> [UInt8]? { isNull(index) ? nil : array(index) }
    func hash(_ index: Int) throws(ScriptError) -> CryptoHash { try CryptoHash(name: string(index)) }
    func curve(_ index: Int) throws(ScriptError) -> any ECDSAPrivateKey.Type { try CryptoCurves.curve(string(index)) }

    /// A new `ArrayBuffer` holding a copy of `bytes`, freed by JavaScriptCore.
    func arrayBuffer(_ bytes: [UInt8]) -> JSValueRef? {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { storage.copyMemory(from: base, byteCount: source.count) }
        }
        return JSObjectMakeArrayBufferWithBytesNoCopy(
            context, storage, bytes.count, { pointer, _ in pointer?.deallocate() }, nil, nil)
    }

    func boolean(_ value: Bool) -> JSValueRef? { JSValueMakeBoolean(context, value) }

    /// A JS array of what `makers` make, each value put in as soon as it is made: made all first, the earlier ones
    /// would wait in a Swift array the collector does not scan (see ``ScriptContext/makeArray(count:_:)``).
    func list(_ makers: [() -> JSValueRef?]) -> JSValueRef? {
        ScriptContext.makeArray(in: context, count: makers.count) { index in makers[index]() }
    }

    /// `[privateKey, publicKey]` as two `ArrayBuffer`s.
    func pair(_ keys: (privateKey: [UInt8], publicKey: [UInt8])) -> JSValueRef? {
        list([{ arrayBuffer(keys.privateKey) }, { arrayBuffer(keys.publicKey) }])
    }

    /// `[privateKey or null, publicKey, modulusLength, publicExponent]`.
    func rsa(_ key: CryptoRSA.Imported) -> JSValueRef? {
        list([
            { key.privateKey.map { arrayBuffer($0) } ?? JSValueMakeNull(context) }, { arrayBuffer(key.publicKey) },
            { JSValueMakeNumber(context, Double(key.modulusLength)) }, { arrayBuffer(key.publicExponent) },
        ])
    }
}
