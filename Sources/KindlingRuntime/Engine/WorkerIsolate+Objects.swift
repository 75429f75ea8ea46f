import CJavaScriptCore

/// Objects kept in the isolate between calls (the shape Durable Objects need: one instance, many events).
extension WorkerIsolate {
    /// Constructs `new <export>(...arguments)` and keeps the instance.
    /// - Parameters:
    ///   - export: a class export of the loaded worker.
    ///   - arguments: the constructor's arguments (a Durable Object gets `(state, env)`).
    /// - Throws: ``RuntimeError`` with ``RuntimeError/Code/noHandler`` when the export is not a class;
    ///   ``ScriptError`` when the constructor throws.
    public func construct(_ export: String, arguments: [ScriptArgument] = []) throws -> ScriptObject {
        try checkOpen()
        guard let exports, exports[export]?.kind == .class else {
            throw RuntimeError(code: .noHandler, message: "Worker \"\(name)\" has no class export named \"\(export)\".")
        }
        let context = self.context
        let array = try context.makeArray(count: arguments.count) { index throws(ScriptError) in
            try context.jsValue(arguments[index])
        }
        let made = try context.callInternal("construct", [context.workerExports, context.internedString(export), array])
        guard let object = made.asObject(in: context.global) else {
            throw ScriptError(name: "TypeError", message: "The constructor of \(export) did not return an object.")
        }
        return ScriptObject(id: context.keep(object), export: export)
    }

    /// Calls `method` on a kept object and awaits its result.
    /// - Throws: ``ScriptError`` when the method is missing (`TypeError`), throws or rejects; ``RuntimeError`` for
    ///   an object released or from another isolate.
    public func call(_ method: String, on object: ScriptObject, arguments: [ScriptArgument] = []) async throws
        -> HostValue
    {
        try checkOpen()
        let target = try kept(object)
        let context = self.context
        let array = try context.makeArray(count: arguments.count) { index throws(ScriptError) in
            try context.jsValue(arguments[index])
        }
        let start: [JSValueRef?] = [
            target, JSValueMakeUndefined(context.global), context.internedString("instance"), context.internedString(method), array,
        ]
        return try await settle("invoke", start) { value in context.hostValue(value) }
    }

    /// Delivers a request to a kept object's `fetch(request)`.
    public func fetch(_ request: WorkerRequest, on object: ScriptObject) async throws -> WorkerResponse {
        try checkOpen()
        let target = try kept(object)
        let context = self.context
        return try await awaitAnswer({ context.registerResponse($0) }) { id throws(ScriptError) in
            try context.callFetch(
                target: target, name: JSValueMakeUndefined(context.global), kind: context.internedString("instance"),
                request: request, id: id)
        }
    }

    /// Lets the isolate collect a kept object; later uses of it throw.
    public func release(_ object: ScriptObject) {
        guard !context.isClosed else { return }
        context.forget(object.id)
    }

    private func kept(_ object: ScriptObject) throws -> JSObjectRef {
        guard let target = context.keptObjects[object.id] else {
            throw RuntimeError(
                code: .invalidArgument,
                message: "The \(object.export) object was released or belongs to another isolate than worker \"\(name)\".")
        }
        return target
    }
}
