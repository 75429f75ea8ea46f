import CJavaScriptCore

/// Converting between JS exception values and ``ScriptError``; runs on the isolate's thread.
enum ScriptErrors {
    /// Makes `new <name>(message)` when the global constructor exists, otherwise an `Error` with that `name`.
    static func makeError(_ context: JSContextRef, name: String, message: String) -> JSValueRef? {
        let global = JSContextGetGlobalObject(context)
        let messageValue = JSStrings.with(message) { JSValueMakeString(context, $0) }
        var arguments: [JSValueRef?] = [messageValue]
        if name != "Error", let constructor = Properties.get(context, global, name), JSValueIsObject(context, constructor),
            let constructorObject = JSValueToObject(context, constructor, nil),
            JSObjectIsConstructor(context, constructorObject)
        {
            if let made = JSObjectCallAsConstructor(context, constructorObject, 1, &arguments, nil) { return made }
        }
        guard let error = JSObjectMakeError(context, 1, &arguments, nil) else { return nil }
        if name != "Error" { Properties.set(context, error, "name", JSStrings.with(name) { JSValueMakeString(context, $0) }) }
        return error
    }

    /// Converts a thrown JS value into a ``ScriptError``, mapping stack frames through `sourceMaps` (keyed by the
    /// generated script's URL).
    static func scriptError(_ context: JSContextRef, _ exception: JSValueRef, sourceMap: (String) -> SourceMap?)
        -> ScriptError
    {
        guard JSValueIsObject(context, exception), let object = JSValueToObject(context, exception, nil) else {
            return ScriptError(name: "Error", message: Properties.string(context, exception))
        }
        let name = Properties.get(context, object, "name").flatMap { Properties.stringIfString(context, $0) } ?? "Error"
        let message =
            Properties.get(context, object, "message").flatMap { Properties.stringIfString(context, $0) }
            ?? Properties.string(context, exception)
        var url = Properties.get(context, object, "sourceURL").flatMap { Properties.stringIfString(context, $0) }
        var line = Properties.get(context, object, "line").flatMap { Properties.intIfNumber(context, $0) }
        var column = Properties.get(context, object, "column").flatMap { Properties.intIfNumber(context, $0) }
        let rawStack = Properties.get(context, object, "stack").flatMap { Properties.stringIfString(context, $0) } ?? ""
        let frames = StackFrames.parse(rawStack).map { $0.mapped(through: sourceMap) }

        if let generatedURL = url, let generatedLine = line, let map = sourceMap(generatedURL),
            let position = map.originalPosition(line: generatedLine, column: column ?? 1)
        {
            url = position.source
            line = position.line
            column = column == nil ? nil : position.column
        } else if url == nil, let first = frames.first(where: { $0.url != nil }) {
            url = first.url
            line = first.line
            column = first.column
        }
        var stack = message.isEmpty ? name : "\(name): \(message)"
        for frame in frames { stack += "\n    at \(frame)" }
        return ScriptError(name: name, message: message, stack: stack, sourceURL: url, line: line, column: column)
    }
}

/// Reading and writing properties by Swift string name.
enum Properties {
    static func get(_ context: JSContextRef, _ object: JSObjectRef?, _ name: String) -> JSValueRef? {
        JSStrings.with(name) { JSObjectGetProperty(context, object, $0, nil) }
    }

    static func set(
        _ context: JSContextRef, _ object: JSObjectRef?, _ name: String, _ value: JSValueRef?,
        attributes: JSPropertyAttributes = JSPropertyAttributes(kJSPropertyAttributeNone)
    ) {
        JSStrings.with(name) { JSObjectSetProperty(context, object, $0, value, attributes, nil) }
    }

    /// `String(value)`; an empty string when the conversion throws.
    static func string(_ context: JSContextRef, _ value: JSValueRef) -> String {
        guard let ref = JSValueToStringCopy(context, value, nil) else { return "" }
        defer { JSStringRelease(ref) }
        return JSStrings.string(ref)
    }

    static func stringIfString(_ context: JSContextRef, _ value: JSValueRef) -> String? {
        JSValueIsString(context, value) ? string(context, value) : nil
    }

    /// An array's `length` (0 when it has none that is a number).
    static func arrayLength(_ context: JSContextRef, _ array: JSObjectRef) -> Int {
        JSObjectGetProperty(context, array, lengthName, nil).flatMap { intIfNumber(context, $0) } ?? 0
    }

    /// `"length"`, made once for every context: a property name made and released for each array read was two
    /// more API calls (and an allocation) per array.
    nonisolated(unsafe) private static let lengthName: JSStringRef = JSStringCreateWithUTF8CString("length")

    static func intIfNumber(_ context: JSContextRef, _ value: JSValueRef) -> Int? {
        guard JSValueIsNumber(context, value) else { return nil }
        let number = JSValueToNumber(context, value, nil)
        return number.isFinite ? Int(number) : nil
    }
}
