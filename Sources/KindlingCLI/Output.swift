import Foundation
import Synchronization

/// Where commands print. Normally the process's stdout; tests that run commands in-process
/// bind a capturing sink through ``Output/current``.
final class Output: Sendable {
    /// The sink commands write to in this task.
    @TaskLocal static var current = Output(capturing: false)

    private let capturing: Bool
    private let captured = Mutex<[UInt8]>([])

    /// A sink that captures what is written (when `capturing`) or passes it to stdout.
    init(capturing: Bool) {
        self.capturing = capturing
    }

    /// Writes bytes as they are (a KV value may be binary).
    func write(bytes: [UInt8]) {
        if capturing {
            captured.withLock { $0.append(contentsOf: bytes) }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }

    /// Writes a line of text.
    func line(_ text: String) {
        write(bytes: Array((text + "\n").utf8))
    }

    /// What was captured, as text.
    var text: String {
        String(decoding: captured.withLock { $0 }, as: UTF8.self)
    }

    /// What was captured, as bytes.
    var bytes: [UInt8] {
        captured.withLock { $0 }
    }
}
