public import KindlingStorage
import Synchronization

/// A ``WallClock`` that stands still until a test moves it, so expiry can be tested on both
/// sides of a limit (59 s present, 60 s gone) without sleeping.
///
/// ```swift
/// let clock = FakeClock(now: 1_000_000)
/// clock.advance(bySeconds: 60)
/// ```
public final class FakeClock: WallClock {
    private struct State {
        var now: Int64
        var sleepers: [(deadline: Int64, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state: Mutex<State>

    /// Creates a clock reading `now` ms since the Unix epoch.
    public init(now: Int64 = 1_000_000) {
        state = Mutex(State(now: now))
    }

    public func now() -> Int64 {
        state.withLock { $0.now }
    }

    /// Moves time forward by `milliseconds`, waking sleepers whose deadline has come.
    public func advance(byMilliseconds milliseconds: Int64) {
        let due = state.withLock { state in
            state.now += milliseconds
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }.map(\.continuation)
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for continuation in due { continuation.resume() }
    }

    /// Moves time forward by whole seconds.
    public func advance(bySeconds seconds: Int64) {
        advance(byMilliseconds: seconds * 1000)
    }

    public func sleep(until deadline: Int64) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.now >= deadline { return true }
                state.sleepers.append((deadline, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
