import CJavaScriptCore
import Logging

extension ScriptContext {
    /// Makes the JS function for a ``HostFunction``; runs on the isolate's thread.
    ///
    /// A `.promise` function is a native function wrapped by the prelude's `promising`, so JS always gets a
    /// promise: the native part returns the value when the body settled the resolver before returning, otherwise a
    /// deferred promise registered in ``deferreds`` that ``settleDeferred(id:_:)`` settles later.
    func makeHostFunction(_ function: HostFunction) -> JSObjectRef? {
        switch function.body {
        // Safety (unowned(unsafe)): a host function only runs while JS runs, and JS only runs on an open context,
        // which its isolate keeps alive.
        case .sync(let body):
            return makeFunction { [unowned(unsafe) self] _, _, arguments in
                jsValue(try body(hostValues(arguments)))
            }
        case .resolving(let body):
            let native = makeFunction { [unowned(unsafe) self] _, _, arguments in
                jsValue(try body(hostValues(arguments)))
            }
            return try? callInternal("promising", [native]).asObject(in: global)
        case .promise(let body):
            let native = makeFunction { [unowned(unsafe) self] _, _, arguments in
                let resolver = PromiseResolver(context: IsolateBound(self, executor: executor))
                do {
                    try body(hostValues(arguments), resolver)
                } catch {
                    resolver.reject(error)
                }
                let immediate = resolver.finishCall { makeDeferred() }
                switch immediate {
                case .success(let value)?: return jsValue(value)
                case .failure(let error)?: throw error
                case nil: return lastDeferredPromise
                }
            }
            return try? callInternal("promising", [native]).asObject(in: global)
        }
    }

    /// Settles the deferred promise `id` (see ``makeHostFunction(_:)``); ignored once the context is closed.
    func settleDeferred(id: Int, _ result: Result<HostValue, any Error>) {
        guard !isClosed, let functions = deferreds.removeValue(forKey: id) else { return }
        defer {
            JSValueUnprotect(global, functions.resolve)
            JSValueUnprotect(global, functions.reject)
        }
        let argument: JSValueRef?
        let settle: JSObjectRef
        switch result {
        case .success(let value):
            argument = jsValue(value)
            settle = functions.resolve
        case .failure(let error):
            argument = jsError(error)
            settle = functions.reject
        }
        do {
            _ = try call(settle, [argument])
        } catch {
            logger.error("Uncaught \(error.stack.isEmpty ? error.description : error.stack)")
        }
    }

    /// A JS error for a Swift error: a ``ScriptError`` keeps its name and message.
    func jsError(_ error: any Error) -> JSValueRef? {
        if let error = error as? ScriptError {
            return ScriptErrors.makeError(global, name: error.name, message: error.message)
        }
        if let error = error as? ThrownValue { return error.value }
        return ScriptErrors.makeError(global, name: "Error", message: "\(error)")
    }

    /// Creates a deferred promise, keeps its resolve/reject functions under a new id and returns the id; the
    /// promise is left in ``lastDeferredPromise`` for the caller on this thread.
    private func makeDeferred() -> Int {
        var resolve: JSObjectRef?
        var reject: JSObjectRef?
        let promise = JSObjectMakeDeferredPromise(global, &resolve, &reject, nil)
        let id = nextDeferredID
        nextDeferredID += 1
        if let resolve, let reject {
            JSValueProtect(global, resolve)
            JSValueProtect(global, reject)
            deferreds[id] = (resolve, reject)
        }
        lastDeferredPromise = promise
        // Only for a lone call: with many in flight the threads answering them are busy, and a spinning isolate
        // thread would take their cores (32 concurrent fetches went from 20k to 15k/s).
        if deferreds.count == 1 { executor.noteAnswerAwaited() }
        return id
    }

    /// Makes the JS value of a ``ScriptArgument``.
    func jsValue(_ argument: ScriptArgument) throws(ScriptError) -> JSValueRef? {
        switch argument {
        case .value(let value):
            return jsValue(value)
        case .function(let function):
            return makeHostFunction(function)
        case .object(let members):
            let object = JSObjectMake(global, nil, nil)
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                Properties.set(global, object, key, try jsValue(member))
            }
            return object
        case .request(let request):
            return try makeRequest(request)
        case .made(let name, let arguments):
            let globalObject = JSContextGetGlobalObject(global)
            guard let factory = Properties.get(global, globalObject, name)?.asObject(in: global),
                JSObjectIsFunction(global, factory)
            else {
                throw ScriptError(name: "TypeError", message: "\(name) is not a global function")
            }
            // Each protected as it is made: see protected(_:).
            var values: [JSValueRef?] = []
            defer { unprotect(values) }
            for argument in arguments { values.append(protected(try jsValue(argument))) }
            return try call(factory, values)
        }
    }

    /// A JS `Request` for a ``WorkerRequest``, built with the prelude's trusted constructor.
    func makeRequest(_ request: WorkerRequest) throws(ScriptError) -> JSValueRef {
        guard let internals = internalObject, let newRequest = Properties.get(global, internals, "newRequest")?.asObject(in: global)
        else { throw ScriptError(name: "Error", message: "The Request class is not available in this isolate.") }
        return try withStackValues { arguments throws(ScriptError) in
            try writeRequestArguments(request, to: arguments, at: 0)
            return try call(newRequest, UnsafeBufferPointer(rebasing: arguments[0..<Self.requestArgumentCount]))
        }
    }

    /// Calls the prelude's `host.fetch(target, name, kind, method, url, headers, body, id)` for `request`: the
    /// handler `target`/`name`/`kind` pick (exports and an export's name and kind, or a kept object), answering
    /// pending id `id` (``registerResponse(_:)``). The whole argument list is made on the native stack.
    func callFetch(
        target: JSValueRef?, name: JSValueRef?, kind: JSValueRef?, request: WorkerRequest, id: Int
    ) throws(ScriptError) {
        try withStackValues { call throws(ScriptError) in
            call[0] = target
            call[1] = name
            call[2] = kind
            try writeRequestArguments(request, to: call, at: 3)
            let idIndex = 3 + Self.requestArgumentCount
            call[idIndex] = JSValueMakeNumber(global, Double(id))
            _ = try self.call(fetchFunction(), UnsafeBufferPointer(rebasing: call[0...idIndex]))
        }
    }

    /// How many values ``writeRequestArguments(_:to:at:)`` writes.
    static let requestArgumentCount = 4

    /// Writes a request's `(method, url, headers, body)`, as the prelude's `internal.newRequest` takes them (a
    /// streamed body as a `ReadableStream`), unprotected, into `values` from `start` on: a buffer from
    /// ``withStackValues(_:)``, where the collector finds them.
    func writeRequestArguments(
        _ request: WorkerRequest, to values: UnsafeMutableBufferPointer<JSValueRef?>, at start: Int
    ) throws(ScriptError) {
        values[start] = methodString(request.method)
        values[start + 1] = makeString(request.url)
        values[start + 2] = makeJoinedHeaders(request.headers)
        values[start + 3] =
            switch request.body {
            case nil: JSValueMakeNull(global)
            case .bytes(let bytes)?: makeUint8Array(bytes)
            case .stream(let stream)?: try incomingStream(stream)
            }
    }

    /// ``joinedHeaders(_:)`` as a JS string. Header lists are nearly always ASCII: then the UTF-16 the string needs
    /// is written from the headers' bytes in one pass (names lower-cased on the way), with no Swift string of the
    /// whole list in between; anything else goes through ``joinedHeaders(_:)``.
    func makeJoinedHeaders(_ headers: [WorkerRequest.Header]) -> JSValueRef? {
        let count = headers.reduce(headers.count * 2 - 1) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        guard count > 0 else { return makeString("") }
        let ascii = withUnsafeTemporaryAllocation(of: UInt16.self, capacity: count) { units -> JSStringRef? in
            var index = 0
            var high: UInt8 = 0
            for header in headers {
                if index > 0 {
                    units[index] = 0
                    index += 1
                }
                for byte in header.name.utf8 {
                    high |= byte
                    units[index] = UInt16(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
                    index += 1
                }
                units[index] = 0
                index += 1
                for byte in header.value.utf8 {
                    high |= byte
                    units[index] = UInt16(byte)
                    index += 1
                }
            }
            return high < 0x80 ? JSStringCreateWithCharacters(units.baseAddress, count) : nil
        }
        guard let ascii else { return makeString(Self.joinedHeaders(headers)) }
        defer { JSStringRelease(ascii) }
        return JSValueMakeString(global, ascii)
    }

    /// `method` in upper case, without a new string when it is already (as from HTTP).
    static func upperCased(_ method: String) -> String {
        method.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) ? method.uppercased() : method
    }

    /// `name\0value\0name\0value` with names lower-cased, in one allocation (names usually are lower case
    /// already: HTTP/2 and HTTPTypes keep them so).
    static func joinedHeaders(_ headers: [WorkerRequest.Header]) -> String {
        var joined = ""
        joined.reserveCapacity(headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 })
        for header in headers {
            if !joined.isEmpty { joined.append("\0") }
            if header.name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
                joined.append(header.name.lowercased())
            } else {
                joined.append(header.name)
            }
            joined.append("\0")
            joined.append(header.value)
        }
        return joined
    }

    /// The headers of a ``joinedHeaders(_:)`` list (`name\0value\0name\0value`) given as its UTF-8 bytes, in order.
    static func splitJoinedHeaders(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [WorkerRequest.Header] {
        guard !bytes.isEmpty else { return [] }
        // One pass over the bytes: the generic `split` made an array of views and a `Substring` per field, and cost
        // more than the rest of reading a response.
        var headers: [WorkerRequest.Header] = []
        var name: String?
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0 {
            let field = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if let pending = name {
                headers.append(WorkerRequest.Header(pending, field))
                name = nil
            } else {
                name = field
            }
            start = index + 1
        }
        return headers
    }
}

extension JSValueRef {
    /// The value as an object, or nil when it is a primitive.
    func asObject(in context: JSContextRef) -> JSObjectRef? {
        JSValueIsObject(context, self) ? JSValueToObject(context, self, nil) : nil
    }
}
