import CJavaScriptCore
import Synchronization

/// Settles the promise a ``HostFunction`` handed to JavaScript; usable from any thread, once.
///
/// Settling on the isolate's thread while the host function is still running answers the call synchronously (no
/// JS promise machinery beyond `Promise.resolve`). Later, or from another thread, the settlement is queued on the
/// isolate's thread, where the promise's reactions run. Calls after the first settlement are ignored. A resolver
/// released without being settled rejects its promise.
public final class PromiseResolver: Sendable {
    enum State {
        /// The host function is still running; a settlement is kept and returned directly.
        case calling(Result<HostValue, any Error>?)
        /// The function returned; JS holds the deferred promise with this id in the context's table.
        case registered(Int)
        case settled
    }

    private let state = Mutex<State>(.calling(nil))
    // Safety: the context is only touched on the executor's thread (see `deliver`).
    private let context: IsolateBound<ScriptContext>

    init(context: IsolateBound<ScriptContext>) {
        self.context = context
    }

    /// Fulfils the promise with `value`.
    public func resolve(_ value: HostValue) {
        settle(.success(value))
    }

    /// Rejects the promise; a ``ScriptError`` gives the JS error's name and message.
    public func reject(_ error: any Error) {
        settle(.failure(error))
    }

    deinit {
        let pending: Int? = state.withLock { state in
            if case .registered(let id) = state { return id }
            return nil
        }
        guard let pending else { return }
        let error = ScriptError(name: "Error", message: "The host function dropped its promise without settling it.")
        let context = self.context
        context.executor.execute { context.value.settleDeferred(id: pending, .failure(error)) }
    }

    private func settle(_ result: Result<HostValue, any Error>) {
        let registered: Int? = state.withLock { state in
            switch state {
            case .calling(nil):
                state = .calling(result)
                return nil
            case .registered(let id):
                state = .settled
                return id
            case .calling, .settled:
                return nil
            }
        }
        guard let id = registered else { return }
        deliver(id: id, result)
    }

    private func deliver(id: Int, _ result: Result<HostValue, any Error>) {
        let context = self.context
        if context.executor.isCurrent {
            context.value.settleDeferred(id: id, result)
        } else {
            // From another isolate's thread (a service binding answered there), an idle isolate's
            // continuation runs right here rather than waking its thread.
            context.executor.executeInline { context.value.settleDeferred(id: id, result) }
        }
    }

    /// Called once the host function body returned: the settlement it made, if any; otherwise the resolver is
    /// bound to deferred promise `register()` and later settlements go there.
    func finishCall(register: () -> Int) -> Result<HostValue, any Error>? {
        state.withLock { state in
            if case .calling(let result?) = state {
                state = .settled
                return result
            }
            state = .registered(register())
            return nil
        }
    }
}
