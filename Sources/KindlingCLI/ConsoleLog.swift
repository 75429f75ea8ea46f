import Foundation
import Kindling
import Logging

/// Log output for `kindling dev`: one line per request and `console.log` lines tagged with
/// the worker's name, on stderr, without swift-log's timestamp and label clutter.
enum ConsoleLog {
    static func logger() -> Logger {
        Logger(label: "kindling") { _ in Handler() }
    }

    struct Handler: RequestLogHandler {
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            // Only the worker's name is shown: looked up, not merged into a new dictionary for every line.
            let worker = (event.metadata?["worker.name"] ?? metadata["worker.name"]).map { "[\($0)] " } ?? ""
            let level = event.level >= .warning ? "\(event.level): " : ""
            StandardErrorWriter.shared.write("\(worker)\(level)\(event.message)\n")
        }

        /// A request line, written into the writer's buffer as it is made: no swift-log event, no strings.
        func logRequestLine(_ appendLine: (inout [UInt8]) -> Void) {
            StandardErrorWriter.shared.writeLine(appendLine)
        }
    }
}
