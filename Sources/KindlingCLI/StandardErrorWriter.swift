import Foundation
import KindlingRuntime

/// Log text for stderr, written by a thread of its own ten milliseconds' worth at a time.
///
/// `kindling dev` logs a line per request from the event loop that served it. Written there, each line
/// was a `write(2)` of its own on the loop (38.8k req/s against 48k–53k with logging off, hello world
/// under `wrk`). Here a line costs the loop an append under a lock. The writer thread sleeps until a line
/// arrives, lets lines gather for ten milliseconds (too short for a person to notice), then writes them all
/// in one call, in order; while lines keep coming it goes on that way and is never woken: only a gathering
/// time with no line sends it back to sleep. Going back to sleep after every write cost the serving loop a
/// `pthread_cond_signal` (a futex system call) each time, and a `DispatchQueue.asyncAfter` per millisecond
/// before that kept two threads busy (libdispatch's timer manager and a worker, 5 % of the server's CPU under
/// load). The lock is held only to append a line or to swap the queued text with the writer's own emptied
/// buffer, and spins before it sleeps (``SpinningCondition``), so the two event loops and the writer rarely
/// make each other wait in the kernel. ``flush()`` runs before the process exits.
final class StandardErrorWriter: @unchecked Sendable {
    // Safety: `pending`, `writerSleeps` and `started` are guarded by `condition`'s lock; `taken` and writing to the
    // descriptor by `writeLock`.

    static let shared = StandardErrorWriter(fileDescriptor: 2)

    private let condition = SpinningCondition()
    private var pending: [UInt8] = []
    /// The text being written, swapped with `pending` and emptied after: the two buffers keep their capacity, so
    /// taking the queued text allocates nothing while the loops wait for the lock.
    private var taken: [UInt8] = []
    /// Whether the writer thread waits for a line (only then does `write` signal it: a syscall).
    private var writerSleeps = false
    private var started = false
    /// Taken around taking the pending text *and* writing it, so text leaves in the order it came, whether
    /// the thread or ``flush()`` writes it.
    private let writeLock = NSLock()
    private let fileDescriptor: Int32
    /// How long lines gather before they are written: each round wakes the thread, which takes a core from the
    /// event loops for a moment.
    private static let gatherTime = timespec(tv_sec: 0, tv_nsec: 10_000_000)

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Queues `text` (with its newline) for stderr.
    func write(_ text: String) {
        condition.lock()
        pending.append(contentsOf: text.utf8)
        didQueueLocked()
        condition.unlock()
    }

    /// Queues the line that `appendLine` appends to the buffer it is given, and a newline.
    func writeLine(_ appendLine: (inout [UInt8]) -> Void) {
        condition.lock()
        appendLine(&pending)
        pending.append(UInt8(ascii: "\n"))
        didQueueLocked()
        condition.unlock()
    }

    /// With the lock held, after text was queued: starts the writer thread with the first line (so a command that
    /// never logs has none), and wakes it if it sleeps.
    private func didQueueLocked() {
        if !started {
            started = true
            let thread = Thread { [self] in run() }
            thread.name = "kindling:log"
            thread.start()
        }
        if writerSleeps {
            writerSleeps = false
            condition.signal()
        }
    }

    /// Returns once everything queued so far is written.
    func flush() {
        _ = writePending()
    }

    /// Writes what is queued; false when nothing was.
    private func writePending() -> Bool {
        writeLock.lock()
        defer { writeLock.unlock() }
        condition.lock()
        swap(&taken, &pending)
        condition.unlock()
        writeOut(taken)
        let wrote = !taken.isEmpty
        taken.removeAll(keepingCapacity: true)
        return wrote
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty {
                writerSleeps = true
                condition.wait()
            }
            condition.unlock()
            repeat {
                var gather = Self.gatherTime
                nanosleep(&gather, nil)
            } while writePending()
        }
    }

    private func writeOut(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // stderr is gone (a closed pipe): nothing sensible left to do with the text
                }
                offset += written
            }
        }
    }
}
