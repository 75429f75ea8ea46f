import CThreadClock
import CJavaScriptCore
import Foundation
import Synchronization

/// A serial executor that owns one OS thread, on which one isolate's JavaScriptCore objects live.
///
/// Actor jobs of the ``WorkerIsolate`` and plain closures submitted with ``execute(_:)`` run one at a time, in the
/// order they were enqueued, on the thread. JavaScript may hold the thread for its whole CPU budget, which is why
/// the isolate does not borrow a thread of the cooperative pool.
///
/// Another isolate's thread may *borrow* an idle executor (``executeInline(_:)``): it runs the work itself, as the
/// executor's thread for that moment, instead of waking this thread and waiting to be woken in turn. A service
/// binding call from worker A to an idle worker B so costs no thread switch at all — B's handler runs on A's thread
/// and, when it answers synchronously (KV reads and writes do), A's promise is settled before the call returns.
/// JavaScriptCore allows this: a VM may be entered from any thread that holds its lock, and `JSLock` swaps the
/// per-thread state (atom string table, stack limits) on entry.
///
/// The executor can also be *hosted* (``host(_:)``): its work then runs on a thread that something else owns — an
/// HTTP server's event loop — in batches the host runs between its own tasks, and the own thread sleeps. A request
/// that arrives on that loop then reaches JavaScript and answers with no thread switch at all (see
/// ``ExecutorHost``).
final class IsolateExecutor: SerialExecutor, @unchecked Sendable {
    // Safety: `pending`, `running`, `idle`, `processing`, `borrowed`, `host` and `hostScheduled` are guarded by
    // `condition`'s lock. `owner` and `hostThread` are atomic; `owner` names the thread allowed to run the executor's
    // work at that moment.

    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    private let condition = SpinningCondition()
    private var pending: [Work] = []
    private var running = true
    private var started = false
    /// Whether the thread sleeps on `condition`; only then does `submit` need to wake it (a syscall).
    private var idle = false
    /// Whether a batch of work is running: on the own thread, or in a hosted run.
    private var processing = false
    /// Whether another thread is running work in the executor's place (``executeInline(_:)``).
    private var borrowed = false
    /// The thread that may run the executor's work now: its own thread, or a borrower. 0 before the start.
    private let owner = Atomic<UInt>(0)
    /// The executor's own thread.
    private var threadID: UInt = 0
    /// The isolate's VM (its context group), whose lock each job holds throughout (see `withVMLock`): set once the
    /// context is made, cleared when it closes. Only the thread running the executor's work touches it.
    var vm: JSContextGroupRef?
    /// Whether the running job holds `vm`'s lock.
    private(set) var holdsVMLock = false
    /// Whether `pending` holds work: written under the lock, read without it while the thread spins.
    private let hasWork = Atomic<Bool>(false)
    /// How long the thread looks for more work before it sleeps (see `spinForWork`).
    private static let spinTime: UInt64 = 50_000
    /// How long it looks when JavaScript has just asked for an answer from elsewhere (see ``noteAnswerAwaited()``).
    private static let answerSpinTime: UInt64 = 250_000
    /// How recent that request must be: older ones are slow calls, not worth spinning for again.
    private static let recentAnswerRequest: UInt64 = 1_000_000
    /// When JavaScript last left a host promise pending, in `DispatchTime` nanoseconds; 0 for never.
    private let lastAnswerRequest = Atomic<UInt64>(0)
    /// Where the work runs while the executor is hosted; nil when its own thread runs it.
    private var host: ExecutorHost?
    /// Whether a batch has been handed to the host and has not started yet (one at a time).
    private var hostScheduled = false
    /// The thread the host ran its last batch on (0 before the first): work submitted from it may run at once.
    private let hostThread = Atomic<UInt>(0)
    /// How many batches one hosted run takes before it hands the thread back to the host's other work.
    private static let hostedBatchesPerRun = 4
    /// How long the thread sleeps without work before it hands back its allocator caches (``AllocatorCaches``): an
    /// isolate that gets requests more often than this never pays for that, or for filling the caches again.
    private static let idleTimeBeforeRelease: TimeInterval = 0.010

    /// Starts the thread, without waiting for it: work submitted meanwhile runs once it has started (an isolate's
    /// start-up does not pay for a wake-up round trip).
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
    }

    /// Whether the caller runs this executor's work: on its own thread, or a thread borrowing it.
    var isCurrent: Bool {
        // Relaxed is enough: a thread only ever finds its own id here after storing it itself (or, for the own
        // thread, before `started` was signalled).
        owner.load(ordering: .relaxed) == UInt(pthread_self())
    }

    /// Whether the calling thread is some isolate's thread (its own, or borrowing another's).
    static var onIsolateThread: Bool { pthread_getspecific(isolateThreadKey) != nil }

    func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    /// Runs `body` on the executor's thread, after the work already enqueued.
    func execute(_ body: @escaping @Sendable () -> Void) {
        submit(.closure(body))
    }

    /// Runs `body` on the executor's thread like ``execute(_:)``; returns false (and drops `body`) when the thread
    /// is stopping, so a caller waiting for `body` can fail instead of waiting forever.
    @discardableResult
    func tryExecute(_ body: @escaping @Sendable () -> Void) -> Bool {
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

    /// Runs `body` at once on the calling thread, as this executor's thread, when this executor is idle (nothing
    /// running, nothing queued) and the caller may run JavaScript; otherwise queues it like ``execute(_:)``.
    ///
    /// Isolate threads may always borrow, and so may the thread of the executor's host, which would run the work
    /// anyway. Other threads only when the caller says so (`fromAnyThread`): a Swift task that awaits the answer
    /// anyway (``WorkerIsolate/fetch(_:export:inline:beforeAnswer:completion:)``) — never another event loop, whose connections
    /// would wait. While it borrows, the thread counts as an isolate thread, so the service calls the work makes to
    /// other idle isolates run inline too. Work queued for this executor while it is borrowed waits for the
    /// borrower to finish, so order is kept.
    func executeInline(fromAnyThread: Bool = false, _ body: @escaping @Sendable () -> Void) {
        if !runInline(fromAnyThread: fromAnyThread, body) { execute(body) }
    }

    /// Runs `body` at once as ``executeInline(fromAnyThread:_:)`` would, or returns `false` without running it when
    /// the work would have to be queued. The body need not escape: a caller that queues it only when this fails
    /// makes no closure on the heap for the work that runs at once.
    func runInline(fromAnyThread: Bool = false, _ body: () -> Void) -> Bool {
        let onIsolateThread = Self.onIsolateThread
        guard onIsolateThread || fromAnyThread || hostThread.load(ordering: .relaxed) == UInt(pthread_self()) else {
            return false
        }
        condition.lock()
        // Not before the thread has started: it takes ownership when it does.
        guard running, started, !processing, !borrowed, pending.isEmpty else {
            condition.unlock()
            return false
        }
        borrowed = true
        owner.store(UInt(pthread_self()), ordering: .relaxed)
        condition.unlock()
        if !onIsolateThread { Self.markIsolateThread(true) }
        withVMLock(body)
        if !onIsolateThread { Self.markIsolateThread(false) }
        condition.lock()
        owner.store(threadID, ordering: .relaxed)
        borrowed = false
        // Work queued meanwhile found the executor busy and did not wake the thread (or call the host).
        let host = handOffLocked()
        condition.unlock()
        host?.run { self.runHosted() }
        return true
    }

    /// Asks the thread to end once it has run the work already enqueued, without waiting for it.
    func requestStop() {
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    @discardableResult
    private func submit(_ work: Work) -> Bool {
        condition.lock()
        guard running else {
            condition.unlock()
            return false
        }
        pending.append(work)
        hasWork.store(true, ordering: .releasing)
        let host = handOffLocked()
        condition.unlock()
        host?.run { self.runHosted() }
        return true
    }

    /// Marks (or unmarks) the calling thread as running an isolate: for ``onIsolateThread``, and for the cheap
    /// thread CPU clock that JavaScriptCore's CPU limit reads at every entry (CThreadClock.h says why).
    private static func markIsolateThread(_ marked: Bool) {
        pthread_setspecific(isolateThreadKey, marked ? UnsafeRawPointer(bitPattern: 1) : nil)
        kindling_thread_clock_set_cheap(marked ? 1 : 0)
    }

    private func runLoop() {
        Self.markIsolateThread(true)
        condition.lock()
        threadID = UInt(pthread_self())
        owner.store(threadID, ordering: .relaxed)
        started = true
        condition.broadcast()
        var batch: [Work] = []
        // Whether the thread has handed back its allocator caches since it last ran work.
        var cachesReleased = true
        while true {
            while mustWait() {
                idle = true
                if cachesReleased {
                    condition.wait()
                } else if !condition.wait(seconds: Self.idleTimeBeforeRelease) {
                    // Idle for a while: likely to stay so (a busy isolate gets its next job sooner).
                    cachesReleased = true
                    condition.unlock()
                    AllocatorCaches.releaseForCurrentThread()
                    condition.lock()
                }
                idle = false
            }
            // Stopped while hosted: the host runs what is still queued (the context's release among it).
            if (pending.isEmpty || host != nil) && !running { break }
            swap(&batch, &pending)
            cachesReleased = false
            hasWork.store(false, ordering: .relaxed)
            processing = true
            condition.unlock()
            for work in batch { run(work) }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
            processing = false
            if let host = handOffLocked() {
                // Hosted during the batch: the rest goes to the host.
                condition.unlock()
                host.run { self.runHosted() }
                condition.lock()
            } else if pending.isEmpty && running && !borrowed && host == nil {
                condition.unlock()
                spinForWork()
                condition.lock()
            }
        }
        condition.unlock()
    }

    /// With the lock held: whether the own thread has nothing to run now. While hosted, it waits until the executor
    /// is handed back or stopped; otherwise until work comes that nobody else is running, or the stop.
    private func mustWait() -> Bool {
        if host != nil { return running }
        return (pending.isEmpty || borrowed || processing) && (running || borrowed || processing)
    }

    /// Hands the executor's work to `host` (or, for nil, back to the own thread) from now on. Work already queued
    /// goes along; a batch running on the old one finishes first.
    func host(_ newHost: ExecutorHost?) {
        condition.lock()
        host = newHost
        if newHost == nil { hostThread.store(0, ordering: .relaxed) }
        let host = handOffLocked()
        condition.unlock()
        host?.run { self.runHosted() }
    }

    /// With the lock held, after the work or its runner changed: gets queued work run by whoever runs it now. When
    /// hosted, with work that nobody runs or is about to, marks a hosted run as scheduled and returns the host, to be
    /// given `runHosted` once the lock is released; otherwise wakes the own thread if it sleeps and has something to
    /// do (work, or the stop).
    private func handOffLocked() -> ExecutorHost? {
        guard let host else {
            if idle && (!pending.isEmpty || !running) { condition.signal() }
            return nil
        }
        guard !hostScheduled, !processing, !borrowed, !pending.isEmpty else { return nil }
        hostScheduled = true
        return host
    }

    /// A hosted run, on the host's thread: the queued work, and what it queues meanwhile, for a few batches; then
    /// the host gets its thread back, and another run is scheduled if work is left.
    private func runHosted() {
        let thread = UInt(pthread_self())
        condition.lock()
        hostScheduled = false
        // Handed back to the own thread (which then has the work), or run by someone else meanwhile (who hands it
        // on when done).
        guard host != nil, !processing, !borrowed, !pending.isEmpty else {
            _ = handOffLocked()
            condition.unlock()
            return
        }
        hostThread.store(thread, ordering: .relaxed)
        processing = true
        owner.store(thread, ordering: .relaxed)
        Self.markIsolateThread(true)
        var batch: [Work] = []
        for _ in 0..<Self.hostedBatchesPerRun where !pending.isEmpty {
            swap(&batch, &pending)
            hasWork.store(false, ordering: .relaxed)
            condition.unlock()
            for work in batch { run(work) }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
        }
        Self.markIsolateThread(false)
        owner.store(threadID, ordering: .relaxed)
        processing = false
        // Work left for another run, or (handed back meanwhile) for the own thread.
        let host = handOffLocked()
        condition.unlock()
        host?.run { self.runHosted() }
    }

    private func run(_ work: Work) {
        withVMLock {
            switch work {
            case .job(let job): job.runSynchronously(on: asUnownedSerialExecutor())
            case .closure(let body): body()
            }
        }
    }

    /// Runs `body` holding the lock of the isolate's VM, once it has one.
    ///
    /// Every JavaScriptCore API call takes the VM's lock; when it is the outermost holder, taking it resets per-entry
    /// state (stack limits, the thread's string table, and on Linux the date cache) and letting go of it drains the
    /// microtask queue. A job makes many calls outside JavaScript (it builds a request's strings, reads the response,
    /// protects and unprotects values), and each of them paid for that: a few microseconds a request, and far more
    /// for one that crosses several workers. Held here, the lock makes them nested calls that only count; the
    /// context drains microtasks itself after each outermost call into JavaScript (``ScriptContext/call``), when
    /// JavaScriptCore would have.
    private func withVMLock(_ body: () -> Void) {
        guard let vm, !holdsVMLock else { return body() }
        var holder: UnsafeMutableRawPointer?
        kindling_vm_lock(&holder, vm)
        holdsVMLock = true
        body()
        holdsVMLock = false
        kindling_vm_unlock(&holder)
    }

    /// Records that JavaScript on this executor is waiting for an answer from another thread (a host promise left
    /// pending: an outbound fetch, a Swift service, a body chunk), so the thread spins longer for it when it runs
    /// out of work (`spinForWork`).
    func noteAnswerAwaited() {
        lastAnswerRequest.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    /// Waits a while for more work, without sleeping. A caller awaiting an answer usually sends its next request
    /// within microseconds; finding it here saves the caller the syscall that wakes a sleeping thread and this
    /// thread the scheduler's delay in running again — most of the cost of a round trip from Swift. Yielding in the
    /// loop leaves the core to other runnable threads on a busy machine.
    ///
    /// After JavaScript has just asked for an answer, the wait is longer (`answerSpinTime`): a local `fetch()`
    /// answers in 100–200 µs, and a thread that slept meanwhile is woken late on a busy machine — sequential
    /// fetches went from 4.9k to 6.4k–7.3k round trips/s. Once a call has been pending for a millisecond, the isolate
    /// spins as briefly as usual, so a slow call costs at most one long spin.
    private func spinForWork() {
        let start = DispatchTime.now().uptimeNanoseconds
        let lastRequest = lastAnswerRequest.load(ordering: .relaxed)
        let answerSoon = lastRequest != 0 && start &- lastRequest < Self.recentAnswerRequest
        let deadline = start + (answerSoon ? Self.answerSpinTime : Self.spinTime)
        while !hasWork.load(ordering: .acquiring) && DispatchTime.now().uptimeNanoseconds < deadline {
            sched_yield()
        }
    }
}

/// A thread owned by something else that can run an isolate's work: an event loop of the HTTP server.
///
/// `run` must call its closure soon, on the same thread every time, one call at a time, and never synchronously
/// inside `run`: the caller may be in the middle of work of its own (ending a batch, or another isolate's
/// JavaScript submitting work).
/// JavaScript then runs on that thread for as long as the handler takes: a CPU-bound handler stalls the thread's
/// other tasks — on an event loop, its other connections — as it does in workerd, where a worker runs on the
/// thread that serves its requests.
public struct ExecutorHost: Sendable {
    /// Schedules a closure on the host's thread.
    let run: @Sendable (@escaping @Sendable () -> Void) -> Void

    /// - Parameter run: Schedules a closure on the host's thread (`eventLoop.execute`).
    public init(_ run: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) {
        self.run = run
    }
}

/// Marks isolate threads (see ``IsolateExecutor/onIsolateThread``).
private let isolateThreadKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
}()
