import CJavaScriptCore
import Foundation

extension ScriptContext {
    /// The host functions behind `CompressionStream` / `DecompressionStream` (14-stream-transforms-compression.js):
    /// `zlibOpen(format, compresses)` gives a handle object that owns a ``ZlibStream``;
    /// `zlibProcess(handle, bytes, finish)` feeds it a Uint8Array (or undefined) and returns a Uint8Array of output;
    /// `zlibClose(handle)` frees zlib's state early (a cancelled stream). Bad data is a TypeError.
    func installCompressionFunctions() {
        defineFunction(on: host, "zlibOpen") { context, _, arguments in
            let name = Properties.string(context, arguments[0])
            guard let format = ZlibStream.Format(rawValue: name) else {
                throw ScriptError(name: "TypeError", message: "Unsupported compression format: \(name)")
            }
            do throws(ZlibStream.Failure) {
                let zlib = try ZlibStream(format: format, compresses: JSValueToBoolean(context, arguments[1]))
                return NativeHandles.make(context, zlib)
            } catch {
                throw ScriptError(name: "TypeError", message: error.message)
            }
        }
        // Safety (unowned(unsafe)): only JS calls these, and JS only runs on an open context.
        defineFunction(on: host, "zlibProcess") { [unowned(unsafe) self] context, _, arguments in
            let zlib: ZlibStream = try NativeHandles.object(context, arguments[0])
            let finish = JSValueToBoolean(context, arguments[2])
            do throws(ZlibStream.Failure) {
                let output = try Self.withBytes(context, arguments[1]) { bytes throws(ZlibStream.Failure) in
                    try zlib.process(bytes, finish: finish)
                }
                return makeUint8Array(output)
            } catch {
                throw ScriptError(name: "TypeError", message: error.message)
            }
        }
        defineFunction(on: host, "zlibClose") { context, _, arguments in
            try (NativeHandles.object(context, arguments[0]) as ZlibStream).close()
            return nil
        }
    }

    /// Calls `body` with the bytes of a Uint8Array argument (empty for anything else), without copying them.
    private static func withBytes<Result>(
        _ context: JSContextRef, _ value: JSValueRef,
        _ body: (UnsafeRawBufferPointer) throws(ZlibStream.Failure) -> Result
    ) throws(ZlibStream.Failure) -> Result {
        guard JSValueGetTypedArrayType(context, value, nil) == kJSTypedArrayTypeUint8Array,
            let object = JSValueToObject(context, value, nil),
            let pointer = JSObjectGetTypedArrayBytesPtr(context, object, nil)
        else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        // The bytes pointer is the start of the backing buffer, not of the view.
        let offset = JSObjectGetTypedArrayByteOffset(context, object, nil)
        let length = JSObjectGetTypedArrayByteLength(context, object, nil)
        return try body(UnsafeRawBufferPointer(start: pointer + offset, count: length))
    }
}
