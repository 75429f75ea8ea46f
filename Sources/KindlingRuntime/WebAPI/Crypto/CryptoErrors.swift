/// The errors `crypto.subtle`'s Swift half throws. They cross into JS as errors carrying the DOMException name;
/// the JS half (`1d-crypto-key.js`) turns those names into real `DOMException`s.
enum CryptoErrors {
    static func operation(_ message: String) -> ScriptError { ScriptError(name: "OperationError", message: message) }
    static func data(_ message: String) -> ScriptError { ScriptError(name: "DataError", message: message) }
    static func notSupported(_ message: String) -> ScriptError {
        ScriptError(name: "NotSupportedError", message: message)
    }
    static func type(_ message: String) -> ScriptError { ScriptError(name: "TypeError", message: message) }
}
