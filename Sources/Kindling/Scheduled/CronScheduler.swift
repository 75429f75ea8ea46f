import Foundation
import Logging

/// Fires each worker's cron triggers on their schedule: wakes at every minute boundary (UTC)
/// and runs the `scheduled` handler of every worker with a matching trigger, as the platform
/// does. Started by `kindling dev` (``KindlingOptions/runsCronTriggers``).
final class CronScheduler: Sendable {
    private let triggers: [(worker: String, cron: CronExpression)]
    private let dispatcher: Dispatcher
    private let logger: Logger
    private let task = LockedTask()

    init(triggers: [(worker: String, cron: CronExpression)], dispatcher: Dispatcher, logger: Logger) {
        self.triggers = triggers
        self.dispatcher = dispatcher
        self.logger = logger
    }

    /// Starts the minute loop.
    func start() {
        task.set(Task { [self] in
            while !Task.isCancelled {
                let now = Date().timeIntervalSince1970
                let next = (now / 60).rounded(.down) * 60 + 60
                try? await Task.sleep(for: .seconds(next - now))
                if Task.isCancelled { return }
                await fire(atMinute: Int64(next))
            }
        })
    }

    func stop() {
        task.cancel()
    }

    /// Runs every trigger due in the minute starting at `minute` (seconds since the epoch).
    func fire(atMinute minute: Int64) async {
        let time = UTCTime(secondsSinceEpoch: minute)
        await withTaskGroup(of: Void.self) { group in
            for trigger in triggers where trigger.cron.matches(time) {
                group.addTask { [dispatcher, logger] in
                    do {
                        try await dispatcher.scheduled(
                            worker: trigger.worker, cron: trigger.cron.text, scheduledTime: Double(minute) * 1000)
                        logger.info("[\(trigger.worker)] scheduled \"\(trigger.cron.text)\" ran")
                    } catch {
                        logger.error("[\(trigger.worker)] scheduled \"\(trigger.cron.text)\" failed: \(error)")
                    }
                }
            }
        }
    }
}

/// A task that can be replaced and cancelled from any thread.
private final class LockedTask: @unchecked Sendable {
    // Safety: every access holds the lock.
    private let lock = NSLock()
    private var task: Task<Void, Never>?

    func set(_ task: Task<Void, Never>) {
        lock.withLock { self.task = task }
    }

    func cancel() {
        lock.withLock { task?.cancel() }
    }
}
