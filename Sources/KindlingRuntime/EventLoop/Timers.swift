/// The armed timers of one isolate: deadlines in the order they are due, and the tasks that wake the isolate.
///
/// A value owned by the ``ScriptContext`` and used on the isolate's thread only. Each timer has a wake-up task
/// that sleeps until its deadline; whichever task wakes first fires every due timer in deadline order, so timers
/// with equal delays fire in the order they were set, as HTML requires.
struct Timers {
    private struct Entry {
        var deadline: ContinuousClock.Instant
        var sequence: Int
        var wake: Task<Void, Never>?
    }

    private var entries: [Int: Entry] = [:]
    private var nextSequence = 0

    /// Arms timer `id` (replacing an earlier arming of the same id, as a repeating timer does).
    mutating func arm(id: Int, deadline: ContinuousClock.Instant, wake: Task<Void, Never>?) {
        entries[id]?.wake?.cancel()
        entries[id] = Entry(deadline: deadline, sequence: nextSequence, wake: wake)
        nextSequence += 1
    }

    mutating func cancel(id: Int) {
        entries.removeValue(forKey: id)?.wake?.cancel()
    }

    mutating func cancelAll() {
        for entry in entries.values { entry.wake?.cancel() }
        entries.removeAll()
    }

    /// Removes and returns the timers due at `now`, earliest deadline first.
    mutating func takeDue(now: ContinuousClock.Instant) -> [Int] {
        let due = entries.filter { $0.value.deadline <= now }
            .sorted { ($0.value.deadline, $0.value.sequence) < ($1.value.deadline, $1.value.sequence) }
            .map(\.key)
        for id in due { entries.removeValue(forKey: id) }
        return due
    }
}
