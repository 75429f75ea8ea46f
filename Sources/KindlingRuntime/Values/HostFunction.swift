/// A Swift function that JavaScript can call: the building block of bindings.
///
/// A host function receives its arguments copied out as ``HostValue``s. It either answers synchronously
/// (``sync(_:)``, JS gets the value) or hands JS a promise (``promise(_:)`` and ``async(_:)``) that Swift settles
/// later, from any thread. A promise settled before the body returns costs no more than a synchronous answer.
///
/// ```swift
/// let get = HostFunction.async { arguments in
///     try await store.get(arguments.first?.stringValue ?? "")
/// }
/// try await isolate.setGlobal("KV_GET", .function(get))
/// ```
///
/// Throwing a ``ScriptError`` throws (or rejects with) a JS error of that name and message, which is how a
/// binding raises production's `TypeError`s; any other Swift error becomes an `Error` with its description.
public struct HostFunction: Sendable {
    enum Body: Sendable {
        case sync(@Sendable ([HostValue]) throws -> HostValue)
        case resolving(@Sendable ([HostValue]) throws -> HostValue)
        case promise(@Sendable ([HostValue], PromiseResolver) throws -> Void)
    }

    let body: Body

    /// A function that returns its value to JS directly.
    /// - Parameter body: runs on the isolate's thread; it must not block.
    public static func sync(_ body: @escaping @Sendable ([HostValue]) throws -> HostValue) -> HostFunction {
        HostFunction(body: .sync(body))
    }

    /// A function that returns a promise to JS, already settled with the body's result (rejected if it throws).
    ///
    /// The cheapest promise-returning function: for work that finishes on the isolate's thread at once, as the
    /// storage calls of bindings do (local SQLite), while JS still sees the platform's asynchronous API.
    /// - Parameter body: runs on the isolate's thread; it must not block.
    public static func resolving(_ body: @escaping @Sendable ([HostValue]) throws -> HostValue) -> HostFunction {
        HostFunction(body: .resolving(body))
    }

    /// A function that returns a promise to JS, settled through the ``PromiseResolver`` it is given.
    ///
    /// - Parameter body: runs on the isolate's thread and must not block; it may settle the resolver at once, or
    ///   keep it and settle it later from any thread. A throw rejects the promise. A resolver dropped unsettled
    ///   rejects the promise, so JS never waits forever.
    public static func promise(_ body: @escaping @Sendable ([HostValue], PromiseResolver) throws -> Void)
        -> HostFunction
    {
        HostFunction(body: .promise(body))
    }

    /// A function that returns a promise to JS, settled with the result of an async Swift closure.
    /// - Parameter body: runs in a new task that starts at once on the isolate's thread and leaves it
    ///   at its first suspension. A closure that answers without suspending (a service binding's
    ///   Swift handler often does) so settles the promise before JS gets it: no thread hop there and
    ///   back. It must not block before it suspends.
    public static func async(_ body: @escaping @Sendable ([HostValue]) async throws -> HostValue) -> HostFunction {
        HostFunction(
            body: .promise { arguments, resolver in
                Task.immediate {
                    do { resolver.resolve(try await body(arguments)) } catch { resolver.reject(error) }
                }
            })
    }
}
