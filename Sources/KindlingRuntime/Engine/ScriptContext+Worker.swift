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

    /// The response the prelude's `host.fetch` answers with through `host.respond`; the body is a string, bytes,
    /// null, or the reader of a streamed body (see ``messageBody(_:)``).
    func workerResponse(status: JSValueRef, statusText: JSValueRef, headers: JSValueRef, body: JSValueRef)
        -> WorkerResponse
    {
        // The headers split straight from the string's UTF-8, with no Swift string of the whole list in between.
        var headerLines: [WorkerRequest.Header] = []
        if JSValueIsString(global, headers), let joined = JSValueToStringCopy(global, headers, nil) {
            defer { JSStringRelease(joined) }
            headerLines = JSStrings.withUTF8(joined) { Self.splitJoinedHeaders(utf8: $0) }
        }
        return WorkerResponse(
            status: Properties.intIfNumber(global, status) ?? 500,
            statusText: Properties.stringIfString(global, statusText) ?? "", headers: headerLines,
            body: messageBody(body))
    }
}
