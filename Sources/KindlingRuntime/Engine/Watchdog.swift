import CJavaScriptCore
import Synchronization

/// Stops scripts that run past the CPU time limit and remembers that it did.
///
/// JavaScriptCore's termination is not an `Error`: `catch`/`finally` do not run, and when the runaway code ran in a
/// promise callback the API call returns NULL with no exception at all. So the callback records the termination
/// here, and every entry into JavaScript checks ``takeTermination()`` afterwards.
final class Watchdog: Sendable {
    private let terminated = Atomic<Bool>(false)

    /// Installs the limit on `group`; `seconds` is thread CPU time per entry into JavaScript (see
    /// `ScriptContext.inOneVMEntry`: a call and the promise reactions it queued are one).
    ///
    /// Ownership: the group holds an unretained pointer to `self`; ``uninstall(from:)`` must run before `self` dies.
    func install(on group: JSContextGroupRef, seconds: Double) {
        JSContextGroupSetExecutionTimeLimit(group, seconds, watchdogShouldTerminate, Unmanaged.passUnretained(self).toOpaque())
    }

    func uninstall(from group: JSContextGroupRef) {
        JSContextGroupClearExecutionTimeLimit(group)
    }

    /// Whether a script was terminated since the last call; resets the flag.
    func takeTermination() -> Bool {
        terminated.exchange(false, ordering: .acquiringAndReleasing)
    }

    fileprivate func markTerminated() {
        terminated.store(true, ordering: .releasing)
    }
}

private func watchdogShouldTerminate(_ context: JSContextRef?, _ data: UnsafeMutableRawPointer?) -> Bool {
    guard let data else { return true }
    // Safety: `data` is the Watchdog installed on this group, alive until uninstall (see Watchdog.install).
    Unmanaged<Watchdog>.fromOpaque(data).takeUnretainedValue().markTerminated()
    return true
}
