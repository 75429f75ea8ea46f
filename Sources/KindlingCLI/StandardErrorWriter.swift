import Foundation
import Synchronization

/// Log text for stderr, written by a serial queue of its own.
///
/// `kindling dev` logs a line per request from the event loop that served it. Written there, each line
/// was a `write(2)` of its own on the loop (38.8k req/s against 48k–53k with logging off, hello world
/// under `wrk`). Here a line costs the loop an append under a lock; the queue writes whatever has
/// gathered in one call, a millisecond after the first line, so under load one write carries many
/// lines and the order of lines is kept. ``flush()`` runs before the process exits.
final class StandardErrorWriter: Sendable {
    static let shared = StandardErrorWriter()

    private let pending = Mutex<[UInt8]>([])
    private let queue = DispatchQueue(label: "kindling.stderr")

    /// Queues `text` (with its newline) for stderr.
    func write(_ text: String) {
        let first = pending.withLock { buffer in
            let wasEmpty = buffer.isEmpty
            buffer.append(contentsOf: text.utf8)
            return wasEmpty
        }
        // Whoever makes the buffer non-empty asks for one write a millisecond later; the lines logged meanwhile
        // ride along with it. Writing at once woke the queue's thread for nearly every line under load: 7 % of
        // the server's CPU went to that thread.
        if first { queue.asyncAfter(deadline: .now() + .milliseconds(1)) { self.drain() } }
    }

    /// Returns once everything queued so far is written.
    func flush() {
        queue.sync { drain() }
    }

    private func drain() {
        let bytes = pending.withLock { buffer in
            var taken: [UInt8] = []
            swap(&taken, &buffer)
            return taken
        }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(2, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // stderr is gone (a closed pipe): nothing sensible left to do with the text
                }
                offset += written
            }
        }
    }
}
