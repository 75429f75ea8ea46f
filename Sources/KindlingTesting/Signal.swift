import Synchronization

/// A one-shot signal between a test and the code it drives: ``wait()`` returns once ``fire()`` has been called,
/// whether before or after.
///
/// ```swift
/// let started = Signal()
/// // in a responder: started.fire()
/// await started.wait()
/// ```
public final class Signal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Creates an unfired signal.
    public init() {}

    /// Fires the signal: every waiter, and every later ``wait()``, returns.
    public func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the signal has fired.
    public func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.fired { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
