import HTTPTypes
@testable import Kindling
import Logging
import Synchronization
import Testing

/// The HTTP request log: one `GET /path 200 OK (1.3 ms)` line per request, as a swift-log `info` event for any
/// handler, or as bytes for a handler that takes them (``RequestLogHandler``, `kindling dev`'s console).
@Suite("HTTP request log")
struct RequestLogTests {
    @Test("a line gives method, path with query, status and reason, and the duration in tenths of a millisecond")
    func lineFormat() {
        func text(_ status: HTTPResponse.Status?, _ duration: Duration, path: String = "/a/b?c=1") -> String {
            RequestLogLine(method: "POST", path: path, status: status, duration: duration).text
        }
        #expect(text(.ok, .microseconds(1_250)) == "POST /a/b?c=1 200 OK (1.3 ms)")
        #expect(text(.notFound, .microseconds(40)) == "POST /a/b?c=1 404 Not Found (0.0 ms)")
        #expect(text(.init(code: 599, reasonPhrase: "Odd"), .milliseconds(12_345)) == "POST /a/b?c=1 599 Odd (12345.0 ms)")
        #expect(text(nil, .seconds(2) + .microseconds(349)) == "POST /a/b?c=1 (no response) (2000.3 ms)")
        #expect(text(.ok, .zero, path: "/é") == "POST /é 200 OK (0.0 ms)")
    }

    @Test("a plain swift-log handler gets each request's line as an info event")
    func swiftLogEvent() async throws {
        let captured = CapturingHandler.Storage()
        let logger = Logger(label: "test") { _ in CapturingHandler(storage: captured) }
        try await Self.serve(logger: logger) { url async throws in
            #expect(try await StreamingHTTPClient.text(of: "/hello?x=1", at: url) == "hi")
        }
        let lines = captured.events.withLock { $0 }.filter { $0.message.hasPrefix("GET ") }
        #expect(lines.count == 1)
        #expect(lines.first?.level == .info)
        #expect(lines.first.map { Self.isRequestLine($0.message, path: "/hello?x=1") } == true, "\(lines)")
    }

    @Test("a RequestLogHandler gets each line as bytes in its own buffer, and no info event for it")
    func bytesHandler() async throws {
        let captured = CapturingHandler.Storage()
        let logger = Logger(label: "test") { _ in BytesHandler(storage: captured) }
        try await Self.serve(logger: logger) { url async throws in
            for index in 0..<3 { #expect(try await StreamingHTTPClient.text(of: "/r\(index)", at: url) == "hi") }
        }
        let text = String(decoding: captured.bytes.withLock { $0 }, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 4 && lines.last == "", "\(text)")
        for (index, line) in lines.dropLast().enumerated() {
            #expect(Self.isRequestLine(line, path: "/r\(index)"), "\(line)")
        }
        #expect(!captured.events.withLock { $0 }.contains { $0.message.hasPrefix("GET ") })
    }

    /// Whether `line` is `GET <path> 200 OK (<digits>.<digit> ms)`.
    static func isRequestLine(_ line: String, path: String) -> Bool {
        let prefix = "GET \(path) 200 OK ("
        guard line.hasPrefix(prefix), line.hasSuffix(" ms)") else { return false }
        let number = line.dropFirst(prefix.count).dropLast(" ms)".count).split(separator: ".", omittingEmptySubsequences: false)
        return number.count == 2 && !number[0].isEmpty && number[0].allSatisfy(\.isNumber)
            && number[1].count == 1 && number[1].allSatisfy(\.isNumber)
    }

    /// Serves a worker answering `hi` over HTTP with `logger`, runs `body` with its URL, and disposes of it (the
    /// request lines are all logged by then).
    static func serve(logger: Logger, _ body: (String) async throws -> Void) async throws {
        let kindling = try await Kindling(
            KindlingOptions(
                port: 0,
                workers: [WorkerOptions(name: "hi", script: "export default { fetch() { return new Response('hi'); } };", modules: true)]),
            logger: logger)
        do {
            try await body(try #require(kindling.url))
        } catch {
            await kindling.dispose()
            throw error
        }
        await kindling.dispose()
    }
}

/// Keeps every event it is given.
struct CapturingHandler: CapturingLogHandler {
    final class Storage: Sendable {
        let events = Mutex<[(level: Logger.Level, message: String)]>([])
        let bytes = Mutex<[UInt8]>([])
    }

    let storage: Storage
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
}

/// A ``CapturingHandler`` that takes request lines as bytes, newline-terminated, as `kindling dev`'s console does.
struct BytesHandler: CapturingLogHandler, RequestLogHandler {
    let storage: CapturingHandler.Storage
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    func logRequestLine(_ appendLine: (inout [UInt8]) -> Void) {
        storage.bytes.withLock { bytes in
            appendLine(&bytes)
            bytes.append(UInt8(ascii: "\n"))
        }
    }
}

/// What both test handlers share: events go to `storage`, metadata to the handler's dictionary.
protocol CapturingLogHandler: LogHandler {
    var storage: CapturingHandler.Storage { get }
}

extension CapturingLogHandler {
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        storage.events.withLock { $0.append((event.level, event.message.description)) }
    }
}
