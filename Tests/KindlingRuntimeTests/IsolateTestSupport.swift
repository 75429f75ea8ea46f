import KindlingRuntime
import Logging
import Synchronization
import Foundation

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

/// A temporary project folder holding `files` (relative path → contents), removed after `body`.
func withProject<T>(_ files: [String: String], _ body: (String) async throws -> T) async throws -> T {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-runtime-\(UUID().uuidString)")
    for (path, contents) in files {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }
    defer { try? FileManager.default.removeItem(at: root) }
    return try await body(root.path)
}

/// Bundles the project's `entry` and loads it into a fresh isolate, then runs `body`.
func withWorker<T>(
    _ files: [String: String], entry: String = "index.js",
    configuration: IsolateConfiguration = IsolateConfiguration(name: "test"),
    _ body: (WorkerIsolate, WorkerExports) async throws -> T
) async throws -> T {
    try await withProject(files) { root in
        try await withIsolate(configuration) { isolate in
            let exports = try await isolate.load(.file(root + "/" + entry, rootDirectory: root))
            return try await body(isolate, exports)
        }
    }
}
