/// A JS object an isolate keeps alive for later calls: a Durable Object instance, an RPC stub's target.
///
/// Made by ``WorkerIsolate/construct(_:arguments:)``; valid in that isolate until
/// ``WorkerIsolate/release(_:)`` (or shutdown). Using it elsewhere or after release throws
/// ``RuntimeError/Code/invalidArgument``.
public struct ScriptObject: Sendable, Hashable {
    let id: Int
    /// The export it was constructed from.
    public let export: String
}
