import CJavaScriptCore

/// Loading a bundled worker and delivering calls and events to it; runs on the isolate's thread.
extension ScriptContext {
    /// Evaluates `bundle` and reads its exports.
    func load(_ bundle: WorkerBundle) throws(ScriptError) -> WorkerExports {
        if let map = bundle.sourceMap { sourceMapTexts[bundle.url] = map }
        guard let wrapper = try evaluate(bundle.source.string, url: bundle.url).asObject(in: global),
            let require = try internalFunction("require")
        else { throw ScriptError(name: "Error", message: "The bundle of \(bundle.entryName) did not evaluate to a function") }
        let exports = try call(wrapper, [require]).asObject(in: global)
        if let exports {
            JSValueProtect(global, exports)
            workerExports = exports
            exportDescriptions = try describeExports(exports)
        }
        let description = WorkerExports(
            format: exports == nil ? .serviceWorker : .modules, exports: exportDescriptions,
            listeners: exports == nil ? try listenerTypes() : [])
        loadedFormat = description.format
        if description.format == .serviceWorker, !environment.isEmpty {
            try setEnvironment(environment)
        }
        return description
    }

    /// Replaces `env`; a service-worker script also sees each binding as a global.
    func setEnvironment(_ environment: [String: ScriptArgument]) throws(ScriptError) {
        let object = try jsValue(.object(environment))
        let globals = loadedFormat == .serviceWorker
        _ = try callInternal("setEnvironment", [object, JSValueMakeBoolean(global, globals)])
        self.environment = environment
    }

    private func listenerTypes() throws(ScriptError) -> [String] {
        guard case .array(let types) = hostValue(try callInternal("listenerTypes", [])) else { return [] }
        return types.compactMap(\.stringValue).sorted()
    }

    /// Reads the `[status, statusText, headers, body]` array the prelude's `host.fetch` settles with; the body is a
    /// string, bytes, null, or the reader of a streamed body (see ``messageBody(_:)``).
    func workerResponse(_ parts: JSValueRef) -> WorkerResponse {
        guard let array = parts.asObject(in: global) else { return WorkerResponse(status: 500) }
        func element(_ index: UInt32) -> JSValueRef? { JSObjectGetPropertyAtIndex(global, array, index, nil) }
        let status = element(0).flatMap { Properties.intIfNumber(global, $0) } ?? 500
        let statusText = element(1).flatMap { Properties.stringIfString(global, $0) } ?? ""
        // Split straight from the string's UTF-8, with no Swift string of the whole list in between.
        let headers = element(2).flatMap { value -> [WorkerRequest.Header]? in
            guard JSValueIsString(global, value), let joined = JSValueToStringCopy(global, value, nil) else {
                return nil
            }
            defer { JSStringRelease(joined) }
            return JSStrings.withUTF8(joined) { Self.splitJoinedHeaders(utf8: $0) }
        } ?? []
        let body = messageBody(element(3))
        return WorkerResponse(status: status, statusText: statusText, headers: headers, body: body)
    }
}
