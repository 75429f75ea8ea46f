import Foundation

/// A lock with a condition variable, like `NSCondition`, whose lock spins briefly before it sleeps.
///
/// `NSCondition` takes a default pthread mutex, which puts a thread that finds it held straight to sleep in the
/// kernel (a `futex` call, and another to wake it). The locks this replaces are held for a few hundred nanoseconds at
/// a time — an isolate's work queue, `kindling dev`'s log buffer — but taken from both event loops at up to 100,000
/// times a second, so under load they were found held now and then, and each time the loser slept: 0.06–0.11 `futex`
/// calls a request under `wrk`, all from these two locks. glibc's adaptive mutex (`PTHREAD_MUTEX_ADAPTIVE_NP`) spins
/// for a moment first, which outlasts such a short hold.
public final class SpinningCondition: @unchecked Sendable {
    // Safety: the pthread objects live at fixed addresses for the object's lifetime, as pthread requires.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        var mutexAttributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&mutexAttributes)
        pthread_mutexattr_settype(&mutexAttributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
        pthread_mutex_init(mutex, &mutexAttributes)
        pthread_mutexattr_destroy(&mutexAttributes)
        condition = .allocate(capacity: 1)
        // Timed waits measure on the monotonic clock, so a change of the wall clock does not stretch them.
        var conditionAttributes = pthread_condattr_t()
        pthread_condattr_init(&conditionAttributes)
        pthread_condattr_setclock(&conditionAttributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &conditionAttributes)
        pthread_condattr_destroy(&conditionAttributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func lock() {
        pthread_mutex_lock(mutex)
    }

    public func unlock() {
        pthread_mutex_unlock(mutex)
    }

    /// With the lock held: releases it until signalled (or woken spuriously, as any condition wait may be).
    public func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// With the lock held: releases it until signalled or `seconds` have passed.
    /// - Returns: false when the time ran out.
    public func wait(seconds: Double) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanoseconds = Int(deadline.tv_nsec) + Int(seconds * 1e9)
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        return pthread_cond_timedwait(condition, mutex, &deadline) != ETIMEDOUT
    }

    /// Wakes one waiting thread.
    public func signal() {
        pthread_cond_signal(condition)
    }

    /// Wakes every waiting thread.
    public func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
