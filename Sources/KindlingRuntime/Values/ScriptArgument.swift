/// A value Swift hands to JavaScript: an argument of a call into a worker, a global, or a member of `env`.
///
/// Unlike ``HostValue`` (plain data, copied both ways), an argument may carry behaviour: host functions, objects of
/// them (a binding), or a `Request`.
///
/// ```swift
/// let env: [String: ScriptArgument] = [
///     "GREETING": .value("hello"),
///     "COUNTER": .object(["increment": .function(.sync { _ in .number(1) })]),
/// ]
/// ```
public indirect enum ScriptArgument: Sendable {
    /// Plain data, copied into a fresh JS value.
    case value(HostValue)
    /// A JS function backed by a Swift closure.
    case function(HostFunction)
    /// A plain JS object with these members.
    case object([String: ScriptArgument])
    /// A JS `Request`.
    case request(WorkerRequest)
    /// What the global function `factory` returns when called with `arguments`: how a binding's JS half (a class
    /// the binding defined with ``WorkerIsolate/evaluate(_:sourceURL:)``) wraps its host functions.
    case made(by: String, arguments: [ScriptArgument])
}

extension ScriptArgument: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .value(.string(value)) }
}
