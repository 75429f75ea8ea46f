import Foundation
import HTTPTypes
import KindlingHTTP
import KindlingRuntime
import Logging
import NIOCore

/// The HTTP front end's responder: turns each HTTP request into a worker request, routes it by
/// its `Host` header, and writes the worker's response back. Uncaught worker errors become a
/// 500 with an error page (HTML for browsers, plain text otherwise).
///
/// A class: the callback path captures it in a closure per request, and a struct of these fields would cost a
/// retain and release of each.
final class DispatchResponder: HTTPCallbackResponder {
    let dispatcher: Dispatcher
    let logger: Logger
    /// `logger`'s handler when it takes request lines as bytes (see ``RequestLogHandler``).
    let requestLog: (any RequestLogHandler)?
    /// Whether request lines are logged at all: `logger`'s level, read once (reading it copies the handler, on
    /// every request's way out).
    let logsRequests: Bool
    /// The largest request body read into memory before dispatch; a longer one (or one of unknown
    /// length) streams into the worker as it arrives.
    let maxBufferedBodyBytes: Int

    init(dispatcher: Dispatcher, logger: Logger, requestLog: (any RequestLogHandler)?, maxBufferedBodyBytes: Int) {
        self.dispatcher = dispatcher
        self.logger = logger
        self.requestLog = requestLog
        self.logsRequests = logger.logLevel <= .info
        self.maxBufferedBodyBytes = maxBufferedBodyBytes
    }

    func respond(
        to request: HTTPRequest, body: HTTPRequestBody, context: HTTPRequestContext, writer: HTTPResponseWriter
    ) async throws {
        let url = Self.url(of: request)
        if let cron = ScheduledTrigger.cron(forPath: request.path ?? "/") {
            try await runScheduled(cron: cron, url: url, writer: writer)
            return
        }
        let workerRequest = Self.workerRequest(request, url: url, body: try await requestBody(request, body))
        let response: KindlingRuntime.WorkerResponse
        do {
            response = try await dispatcher.fetch(routing: workerRequest)
        } catch {
            try await writeErrorPage(for: error, request: request, writer: writer)
            return
        }
        try await write(response, for: request, writer: writer)
    }

    /// A request without a body, answered from the event loop when the worker answers: no task is resumed on
    /// the way in or out. Streamed responses and errors continue on the connection's task.
    func respond(to request: HTTPRequest, context: HTTPRequestContext, reply: HTTPReply) -> Bool {
        // Other methods keep the async path, where a request without a length still gets an (empty) body stream.
        guard request.method == .get || request.method == .head,
            ScheduledTrigger.cron(forPath: request.path ?? "/") == nil
        else { return false }
        dispatcher.fetch(routing: Self.workerRequest(request, url: Self.url(of: request), body: nil)) { result in
            switch result {
            case .success(let response):
                if case .bytes(let bytes) = response.body {
                    reply.send(status: Self.status(of: response), headerLines: Self.headerLines(of: response), body: bytes)
                } else {
                    reply.continueAsync { writer in try await self.write(response, for: reply.request, writer: writer) }
                }
            case .failure(let error):
                reply.continueAsync { writer in
                    try await self.writeErrorPage(for: error, request: reply.request, writer: writer)
                }
            }
        }
        return true
    }

    private static func url(of request: HTTPRequest) -> String {
        "http://\(request.authority ?? "localhost")\(request.path ?? "/")"
    }

    private static func workerRequest(_ request: HTTPRequest, url: String, body: MessageBody?) -> KindlingRuntime.WorkerRequest {
        var headers: [KindlingRuntime.WorkerRequest.Header] = []
        headers.reserveCapacity(request.headerFields.count + 1)
        if let authority = request.authority { headers.append(.init("host", authority)) }
        for field in request.headerFields { headers.append(.init(field.name.rawName, field.value)) }
        return KindlingRuntime.WorkerRequest(method: request.method.rawValue, url: url, headers: headers, body: body)
    }

    private static func status(of response: KindlingRuntime.WorkerResponse) -> HTTPResponse.Status {
        HTTPResponse.Status(code: response.status, reasonPhrase: response.statusText)
    }

    /// The worker's header lines as the server takes them, not through HTTPFields.
    private static func headerLines(of response: KindlingRuntime.WorkerResponse) -> [(name: String, value: String)] {
        response.headers.map { ($0.name, $0.value) }
    }

    /// Writes the worker's response: whole, or streamed as the worker produces it.
    private func write(
        _ response: KindlingRuntime.WorkerResponse, for request: HTTPRequest, writer: HTTPResponseWriter
    ) async throws {
        let status = Self.status(of: response)
        switch response.body {
        case .bytes(let bytes):
            try await writer.write(status: status, headerLines: Self.headerLines(of: response), body: ByteBuffer(bytes: bytes))
        case .stream(let stream):
            let head = HTTPResponse(status: status, headerFields: HTTPFields(response.headers))
            try await writeStreamed(head, stream, for: request, writer: writer)
        }
    }

    /// The 500 for an uncaught worker error: an HTML page for browsers, plain text otherwise.
    private func writeErrorPage(for error: any Error, request: HTTPRequest, writer: HTTPResponseWriter) async throws {
        logger.error("\(request.method.rawValue) \(request.path ?? "/"): \(ErrorPage.summary(error))")
        let page = ErrorPage(error: error, request: request)
        try await writer.write(page.response, body: page.body)
    }

    /// The request body for the worker: bytes when short and announced, otherwise a stream read
    /// from the connection as the worker pulls it (the connection stops reading meanwhile).
    private func requestBody(_ request: HTTPRequest, _ body: HTTPRequestBody) async throws -> MessageBody? {
        guard body.expectedLength != 0, request.method != .get, request.method != .head else { return nil }
        if let length = body.expectedLength, length <= maxBufferedBodyBytes {
            var buffer = try await body.collect(upTo: length)
            return .bytes(buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
        return .stream(BodyStream(chunks: body.map { Array(buffer: $0) }))
    }

    /// Writes a streamed body chunk by chunk (chunked unless the worker set `Content-Length`),
    /// reading the next chunk from the worker while the previous one is written. A client that
    /// goes away cancels the worker's stream; a stream that errors cuts the connection, which is
    /// all a client can be told once the head is out.
    private func writeStreamed(
        _ head: HTTPResponse, _ stream: BodyStream, for request: HTTPRequest, writer: HTTPResponseWriter
    ) async throws {
        if request.method == .head {
            stream.cancel()
            try await writer.write(head)
            return
        }
        let body: HTTPResponseBodyWriter
        do {
            body = try await writer.writeHead(head)
        } catch {
            stream.cancel()
            throw error
        }
        do {
            var next = Task { try await stream.next() }
            // A cancelled responder (the server shutting down past its grace period) cancels the worker's stream,
            // which ends a read the worker would never answer; the body is then cut, not finished.
            while let chunk = try await withTaskCancellationHandler(
                operation: { try await next.value }, onCancel: { stream.cancel() })
            {
                next = Task { try await stream.next() }
                try await body.write(ByteBuffer(bytes: chunk))
            }
            try Task.checkCancellation()
        } catch let error as CancellationError {
            stream.cancel()
            throw error
        } catch let error as HTTPServerError {
            stream.cancel()
            throw error
        } catch {
            stream.cancel()
            logger.error("\(request.method.rawValue) \(request.path ?? "/"): the response body failed: \(ErrorPage.summary(error))")
            throw error
        }
        try await body.finish()
    }

    /// Runs the scheduled handler of the worker `url` routes to, as Miniflare's
    /// `/cdn-cgi/mf/scheduled` and wrangler's `/__scheduled` do.
    private func runScheduled(cron: String, url: String, writer: HTTPResponseWriter) async throws {
        do {
            try await dispatcher.scheduled(routing: url, cron: cron, scheduledTime: (Date().timeIntervalSince1970 * 1000).rounded(.down))
            try await writer.write(HTTPResponse(status: .ok), body: "Ran scheduled event")
        } catch {
            try await writer.write(HTTPResponse(status: .internalServerError), body: "\(ErrorPage.summary(error))\n")
        }
    }

    /// One line per request: `GET /path 200 OK (1.3 ms)`.
    func exchangeDidFinish(_ exchange: HTTPExchange) {
        // The line is built only when it is logged: this runs on the event loop for every request.
        guard logsRequests else { return }
        let line = RequestLogLine(
            method: exchange.request.method.rawValue, path: exchange.request.path ?? "/", status: exchange.status,
            duration: exchange.duration)
        if let requestLog {
            requestLog.logRequestLine { line.append(to: &$0) }
        } else {
            logger.info("\(line.text)")
        }
    }
}

/// The paths that trigger a scheduled event instead of a fetch.
enum ScheduledTrigger {
    /// The cron of `/cdn-cgi/mf/scheduled?cron=…` or `/__scheduled?cron=…` (`* * * * *` when
    /// not given), or `nil` for any other path.
    static func cron(forPath path: String) -> String? {
        // Checked for every request: most paths are neither, and say so before any splitting.
        guard path.hasPrefix("/cdn-cgi/mf/scheduled") || path.hasPrefix("/__scheduled") else { return nil }
        let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts[0] == "/cdn-cgi/mf/scheduled" || parts[0] == "/__scheduled" else { return nil }
        // Form encoding, as URLSearchParams reads it: `+` is a space.
        for pair in parts.count > 1 ? parts[1].split(separator: "&") : [] {
            let field = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if field[0] == "cron", field.count == 2 {
                let value = field[1].replacingOccurrences(of: "+", with: " ")
                return value.removingPercentEncoding ?? value
            }
        }
        return "* * * * *"
    }
}
