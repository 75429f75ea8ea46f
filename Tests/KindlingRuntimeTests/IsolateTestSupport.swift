import KindlingRuntime
import Logging
import Synchronization

/// Runs `body` with a fresh isolate and always shuts it down.
func withIsolate<T>(
    _ configuration: IsolateConfiguration = IsolateConfiguration(name: "test"),
    _ body: (WorkerIsolate) async throws -> T
) async throws -> T {
    let isolate = try await WorkerIsolate(configuration: configuration)
    do {
        let result = try await body(isolate)
        await isolate.shutdown()
        return result
    } catch {
        await isolate.shutdown()
        throw error
    }
}

/// Log lines captured from an isolate, as `level message`.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "test.console") { _ in CapturingHandler(log: self) }
    }

    var all: [String] { lines.withLock { $0 } }

    struct CapturingHandler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let worker = metadata["worker.name"].map { "[\($0)] " } ?? ""
            log.lines.withLock { $0.append("\(event.level) \(worker)\(event.message)") }
        }
    }
}
