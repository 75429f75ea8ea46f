public import KindlingRuntime

extension BindingError {
    /// The JS exception a worker sees: production's error name and message.
    public var scriptError: ScriptError {
        ScriptError(name: jsErrorName, message: message)
    }
}

/// Runs a binding operation for JS: a ``BindingError`` becomes the JS exception production throws.
func bridging<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as BindingError {
        throw error.scriptError
    }
}
