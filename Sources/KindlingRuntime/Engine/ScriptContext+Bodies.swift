import CJavaScriptCore
import Foundation
import Logging

/// Bodies crossing the isolate boundary as streams; runs on the isolate's thread.
///
/// Out of a worker: a `Response` (or a service binding's request) whose body is a `ReadableStream` is read through
/// a reader the prelude takes (`host.readBody`): the worker's stream is read only when a ``BodyStream`` read asks,
/// so it is pulled only as fast as the consumer (an HTTP client, another worker) takes chunks. Cancelling the
/// ``BodyStream`` cancels the reader. Chunks are copied out of their buffers once.
///
/// Into a worker: a ``BodyStream`` becomes a `ReadableStream` (type "bytes") whose `pull` asks the stream for one
/// chunk (`host.incomingBody`); each chunk becomes a `Uint8Array` over a copy JavaScriptCore owns. Such a stream
/// that leaves the worker unread (a fetched response returned as is, an upload forwarded) leaves as the
/// ``BodyStream`` it came from.
extension ScriptContext {
    /// A ``BodyStream`` that reads `reader` (a prelude `BodyReader` of this context).
    func outgoingStream(reader: JSObjectRef) -> BodyStream {
        let source = ScriptReaderSource(context: IsolateBound(self, executor: executor), readerID: keep(reader))
        return BodyStream(source: source)
    }

    /// A `ReadableStream` whose chunks come from `stream`.
    func incomingStream(_ stream: BodyStream) throws(ScriptError) -> JSValueRef {
        // Protected while the next values are made (see protected(_:)).
        let pull = protected(makeHostFunction(
            .promise { _, resolver in
                stream.read { result in
                    switch result {
                    case .success(let chunk?): resolver.resolve(.bytes(chunk))
                    case .success(nil): resolver.resolve(.null)
                    case .failure(let error): resolver.reject(error)
                    }
                }
            }))
        let cancel = protected(makeFunction { _, _, _ in
            stream.cancel()
            return nil
        })
        defer { unprotect([pull, cancel]) }
        // The handle lets JS give the stream back unread (`internal.unwrapHostStream`).
        return try callInternal("incomingBody", [pull, cancel, NativeHandles.make(global, stream)])
    }

    /// The body element of the parts the prelude settles a response with: a string, bytes, a stream's reader, the
    /// handle of a stream of ours given back unread, or null.
    func messageBody(_ value: JSValueRef?) -> MessageBody {
        guard let value else { return .empty }
        if JSValueIsString(global, value), let ref = JSValueToStringCopy(global, value, nil) {
            defer { JSStringRelease(ref) }
            return .bytes(JSStrings.utf8Bytes(ref))
        }
        if let bytes = bytes(of: value) { return .bytes(bytes) }
        if let stream: BodyStream = NativeHandles.objectIfHandle(global, value) { return .stream(stream) }
        if let reader = value.asObject(in: global) { return .stream(outgoingStream(reader: reader)) }
        return .empty
    }

    /// The bytes of an array of buffer sources, joined with one copy.
    func joinedBytes(of array: JSValueRef) -> [UInt8] {
        guard let object = array.asObject(in: global) else { return [] }
        let count = Properties.arrayLength(global, object)
        var parts: [UnsafeRawBufferPointer] = []
        for index in 0..<count {
            guard let element = JSObjectGetPropertyAtIndex(global, object, UInt32(index), nil) else { continue }
            if let part = bytesPointer(of: element) { parts.append(part) }
        }
        let total = parts.reduce(0) { $0 + $1.count }
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var offset = 0
            for part in parts where part.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[offset...])
                    .copyMemory(from: part)
                offset += part.count
            }
            initialized = total
        }
    }

    /// Installs `host.makeStreamHandle(reader)`: wraps a prelude `BodyReader` in an object a host function's
    /// arguments carry as ``HostValue/stream(_:)`` (a service binding's streamed request body).
    func installBodyFunctions() {
        // Safety (unowned(unsafe)): runs only while JS runs, on an open context its isolate keeps alive.
        defineFunction(on: host, "makeStreamHandle") { [unowned(unsafe) self] context, _, arguments in
            guard let reader = arguments[0].asObject(in: context) else {
                throw ScriptError(name: "TypeError", message: "makeStreamHandle needs a reader.")
            }
            return NativeHandles.make(context, outgoingStream(reader: reader))
        }
    }
}

/// Reads a worker's `ReadableStream` through the prelude's `BodyReader` the context keeps under `readerID`.
///
/// Each read runs `host.readBody(reader, id)` then `host.flushBody(reader)` on the isolate's thread: the prelude
/// settles `id` with the chunks that were available without waiting (up to its batch size; at least one, waiting
/// for it if need be), null at the end, or the stream's error. A batch costs one thread hop however many small
/// chunks the worker enqueued. The reader is released at the end, on an error and on cancel.
private final class ScriptReaderSource: BodyStreamSource {
    private let context: IsolateBound<ScriptContext>
    private let readerID: Int

    init(context: IsolateBound<ScriptContext>, readerID: Int) {
        self.context = context
        self.readerID = readerID
    }

    func read(_ completion: @escaping @Sendable (Result<[UInt8]?, any Error>) -> Void) {
        let context = self.context
        let readerID = self.readerID
        let scheduled = context.executor.tryExecute {
            let script = context.value
            guard !script.isClosed, let reader = script.keptObjects[readerID] else {
                completion(.failure(Self.closed))
                return
            }
            let id = script.register { outcome in
                switch outcome {
                case .success(let value) where JSValueIsNull(script.global, value):
                    script.forget(readerID)
                    completion(.success(nil))
                case .success(let value):
                    completion(.success(script.joinedBytes(of: value)))
                case .failure(let error):
                    script.forget(readerID)
                    completion(.failure(error))
                }
            }
            do throws(ScriptError) {
                _ = try script.callInternal("readBody", [reader, JSValueMakeNumber(script.global, Double(id))])
                // Microtasks have drained: every chunk available at once has been read.
                _ = try script.callInternal("flushBody", [reader])
            } catch {
                script.fail(id: id, error)
            }
        }
        if !scheduled { completion(.failure(Self.closed)) }
    }

    func cancel() {
        let context = self.context
        let readerID = self.readerID
        context.executor.tryExecute {
            let script = context.value
            guard !script.isClosed, let reader = script.keptObjects[readerID] else { return }
            script.forget(readerID)
            do throws(ScriptError) {
                _ = try script.callInternal("cancelBody", [reader])
            } catch {
                script.logger.error("Cancelling a body stream failed: \(error)")
            }
        }
    }

    private static let closed = ScriptError(name: "Error", message: "The isolate was shut down.")
}
