import NIOCore
import Synchronization

/// A task executor that runs jobs on one NIO event loop.
///
/// A connection's task prefers it, so the request loop and non-isolated responder code run on the loop thread
/// that owns the socket: a request costs no thread hop. Actors (worker isolates) still run on their own executors.
///
/// The server makes one per event loop, shared by the connections on it, so that jobs enqueued from other threads
/// travel together: a worker's thread that answers several requests in a row resumes their tasks with one NIO task
/// (one lock round and at most one wake-up of the loop), not one each. Jobs run in the order they were enqueued.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop
    /// Jobs enqueued off the loop, and whether a NIO task to run them is on its way.
    private let offLoop = Mutex<(jobs: [UnownedJob], scheduled: Bool)>(([], false))

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        guard !eventLoop.inEventLoop else {
            eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
            return
        }
        let mustSchedule = offLoop.withLock { state in
            state.jobs.append(job)
            defer { state.scheduled = true }
            return !state.scheduled
        }
        if mustSchedule { eventLoop.execute { self.runOffLoopJobs() } }
    }

    /// Runs the jobs enqueued off the loop so far; ones enqueued meanwhile schedule the next round.
    private func runOffLoopJobs() {
        let jobs = offLoop.withLock { state in
            state.scheduled = false
            defer { state.jobs.removeAll() }
            return state.jobs
        }
        for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
