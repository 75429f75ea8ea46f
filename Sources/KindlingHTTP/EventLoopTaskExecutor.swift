import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// A connection's task prefers it, so the request loop and non-isolated responder code run on the loop thread
/// that owns the socket: a request costs no thread hop. Actors (worker isolates) still run on their own executors.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
