/// A value that may be carried anywhere but only touched on its isolate's thread (the model is NIO's `NIOLoopBound`).
///
/// JavaScriptCore objects and the wrappers that hold them are confined to their isolate's thread. A closure that
/// crosses threads (a timer task, a promise resolver settled from elsewhere) carries them in this box and reaches
/// them again only through ``value``, which checks the thread at run time.
struct IsolateBound<Value>: @unchecked Sendable {
    // Safety: `storage` is read only through `value`, which traps unless the caller runs on `executor`'s thread,
    // so the wrapped non-Sendable value is only ever used from that one thread.
    private let storage: Value
    let executor: IsolateExecutor

    /// Wraps `value`; must be called on `executor`'s thread.
    init(_ value: Value, executor: IsolateExecutor) {
        precondition(executor.isCurrent, "IsolateBound created off its isolate's thread")
        self.storage = value
        self.executor = executor
    }

    /// The wrapped value; traps when read off the isolate's thread.
    var value: Value {
        precondition(executor.isCurrent, "IsolateBound used off its isolate's thread")
        return storage
    }

    /// The value, read on any thread, to be moved into storage that is itself used only on the isolate's thread
    /// (the ``WorkerIsolate`` actor, whose executor is that thread). Never use the value itself off the thread.
    var valueForTransfer: Value { storage }

    /// Runs `body` with the value on the isolate's thread.
    func execute(_ body: @escaping @Sendable (Value) -> Void) {
        executor.execute { body(self.value) }
    }
}
