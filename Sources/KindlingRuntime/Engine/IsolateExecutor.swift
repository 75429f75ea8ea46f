import CJavaScriptCore
import Foundation

/// A serial executor that owns one OS thread, on which one isolate's JavaScriptCore objects live.
///
/// Actor jobs of the ``WorkerIsolate`` and plain closures submitted with ``execute(_:)`` run one at a time, in the
/// order they were enqueued, on the thread. JavaScript may hold the thread for its whole CPU budget, which is why
/// the isolate does not borrow a thread of the cooperative pool.
final class IsolateExecutor: SerialExecutor, @unchecked Sendable {
    // Safety: `pending`, `running`, `idle` and `threadID` are guarded by `condition`'s lock; `threadID` is also read
    // unlocked by `isCurrent` once `started` has been signalled (it is written once, before that).

    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private let condition = NSCondition()
    private var pending: [Work] = []
    private var running = true
    private var started = false
    private var finished = false
    /// Whether the thread sleeps on `condition`; only then does `submit` need to wake it (a syscall).
    private var idle = false
    private nonisolated(unsafe) var threadID: pthread_t?

    /// Starts the thread.
    /// - Parameter name: the thread's name, as shown by debuggers (`kindling:<worker>`).
    init(name: String, stackSize: Int = 8 << 20) {
        // Linux gives a new thread its creator's name and keeps 15 bytes; naming it from inside takes effect.
        let threadName = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        let thread = Thread { [self] in
            kindling_set_current_thread_name(threadName)
            self.runLoop()
        }
        thread.stackSize = stackSize
        thread.start()
        condition.lock()
        while !started { condition.wait() }
        condition.unlock()
    }

    /// Whether the caller runs on this executor's thread.
    var isCurrent: Bool {
        guard let threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    /// Runs `body` on the executor's thread, after the work already enqueued.
    func execute(_ body: @escaping @Sendable () -> Void) {
        submit(.closure(body))
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    func checkIsolated() {
        precondition(isCurrent, "not on the isolate's thread")
    }

    func isIsolatingCurrentContext() -> Bool? {
        isCurrent
    }

    /// Asks the thread to end once it has run the work already enqueued, without waiting for it.
    func requestStop() {
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    private func submit(_ work: Work) {
        condition.lock()
        guard running else {
            condition.unlock()
            return
        }
        pending.append(work)
        if idle { condition.signal() }
        condition.unlock()
    }

    private func runLoop() {
        condition.lock()
        threadID = pthread_self()
        started = true
        condition.broadcast()
        var batch: [Work] = []
        while true {
            while pending.isEmpty && running {
                idle = true
                condition.wait()
                idle = false
            }
            if pending.isEmpty && !running { break }
            swap(&batch, &pending)
            condition.unlock()
            for work in batch {
                switch work {
                case .job(let job): job.runSynchronously(on: asUnownedSerialExecutor())
                case .closure(let body): body()
                }
            }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
