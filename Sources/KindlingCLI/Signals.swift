import Dispatch
import Foundation

/// Waiting for a termination signal, so a server shuts down cleanly instead of dying mid-write.
enum Signals {
    /// Returns once one of `signals` arrives (the default action is suppressed while waiting).
    static func wait(for signals: [Int32]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "kindling.signals")
            let resumed = ResumeOnce(continuation)
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { resumed.resume() }
                source.resume()
                // Kept alive until the process ends: a second Ctrl-C during shutdown is ignored.
                Retained.sources.append(source)
            }
        }
    }

    private final class ResumeOnce: @unchecked Sendable {
        // Safety: only touched on the signal queue.
        private var continuation: CheckedContinuation<Void, Never>?
        init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }
        func resume() {
            continuation?.resume()
            continuation = nil
        }
    }

    private enum Retained {
        nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
    }
}
