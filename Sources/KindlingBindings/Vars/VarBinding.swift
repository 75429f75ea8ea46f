public import KindlingRuntime

/// Plain bindings (wrangler.toml's `[vars]` and secrets): text as a string, anything else as the
/// value its JSON text parses to in JavaScript.
public enum VarBinding {
    static let factory = "__kindlingParseJSONVar"

    /// The JavaScript to evaluate once in an isolate before making JSON vars.
    public static var script: String { EmbeddedScripts.named("vars.js") }

    /// A text var.
    public static func text(_ text: String) -> ScriptArgument {
        .value(.string(text))
    }

    /// A JSON var.
    /// - Throws: ``BindingError`` when `json` is not JSON text, naming the binding.
    public static func json(_ json: String, binding: String) throws -> ScriptArgument {
        guard JSONText.isValid(json) else {
            throw BindingError(code: .invalidArgument, message: "Binding \(binding) is not valid JSON: \(json)")
        }
        return .made(by: factory, arguments: [.value(.string(json))])
    }
}
