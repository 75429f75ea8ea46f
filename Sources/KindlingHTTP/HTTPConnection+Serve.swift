import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization

extension HTTPConnection {
    /// Serves requests until the client closes, a response requires closing, or the channel is closed under us.
    ///
    /// Runs on the connection's task. Returns normally in every case; I/O errors just end the connection.
    func serve(responder: any HTTPResponder) async {
        defer { self.bridge.releaseConnection() }
        do {
            while let part = try await self.bridge.next() {
                guard case .head(let head) = part else {
                    return  // a body part with no head: the decoder would have failed; nothing sane to do
                }
                // A request the callback path handed back keeps the context it arrived with.
                let handOff = self.exchange.withLock { state in
                    defer { state.handOff = nil }
                    return state.handOff
                }
                let context =
                    handOff?.context
                    ?? HTTPRequestContext(
                        remoteAddress: self.remoteAddress,
                        localAddress: self.localAddress,
                        receivedAt: .now,
                        allocator: self.allocator
                    )
                let keepGoing = try await self.handle(
                    head, context: context, responder: responder, handOff: handOff?.respond)
                if !keepGoing { return }
            }
        } catch {
            return  // the connection failed (reset, decoder error answered by NIO's 400 handler, closed)
        }
    }

    /// Handles one request; returns whether the connection can take another.
    private func handle(
        _ head: HTTPRequestHead,
        context: HTTPRequestContext,
        responder: any HTTPResponder,
        handOff: (@Sendable (HTTPResponseWriter) async throws -> Void)?
    ) async throws -> Bool {
        let contentLength = head.headers.first(name: "content-length").flatMap { Int($0) }
        let hasBody = (contentLength ?? 0) > 0 || head.headers.contains(name: "transfer-encoding")
        var expectsContinue = false

        let request: HTTPRequest
        do throws(RequestHeadProblem) {
            request = try HTTPRequest(head, configuration: self.configuration)
            if let contentLength, contentLength > self.configuration.maxRequestBodyBytes { throw .bodyTooLarge }
            if let expectation = head.headers.first(name: "expect") {
                guard expectation.lowercased() == "100-continue" else { throw .unsupportedExpectation }
                expectsContinue = hasBody && head.version == .http1_1
            }
        } catch {
            // Logged like any other exchange, with the head as received (no header fields: they may be the problem).
            var failure: (any Error)?
            do { try await self.refuse(head, problem: error) } catch let writeError { failure = writeError }
            let request = HTTPRequest(
                method: HTTPRequest.Method(head.method.rawValue) ?? .get,
                scheme: "http",
                authority: head.headers.first(name: "host"),
                path: head.uri
            )
            responder.exchangeDidFinish(
                HTTPExchange(
                    finishing: request, context: context, status: error.response.status,
                    requestBodyBytes: 0, responseBodyBytes: 0, error: failure)
            )
            return false
        }

        let generation = self.exchange.withLock { state in
            state.begin(head, expectsContinue: expectsContinue)
        }

        var failure: (any Error)?
        do {
            let writer = HTTPResponseWriter(connection: self, generation: generation)
            if let handOff {
                try await handOff(writer)
            } else {
                try await responder.respond(
                    to: request,
                    body: HTTPRequestBody(connection: self, generation: generation, expectedLength: contentLength),
                    context: context,
                    writer: writer
                )
            }
        } catch {
            failure = error
        }

        // From here on, the body and writer of this request fail; what is left is ours to finish.
        let after = self.exchange.withLock { state in
            state.end()
            return state
        }
        var keepConnection = after.keepAlive && !after.mustClose && !after.reading
        var status = after.status
        do {
            switch after.response {
            case .idle:
                let (code, text) = Self.fallbackResponse(for: failure)
                status = code
                if after.continueState == .pending || after.bodyTooLarge || after.bodyBroken { keepConnection = false }
                try await self.writeFallback(code: code, text: text, keepAlive: keepConnection)
            case .streaming:
                if failure != nil {
                    keepConnection = false  // the client cannot be told; a cut connection is the honest signal
                } else {
                    try await self.endStreamedBody(trailers: nil)
                    keepConnection = keepConnection && !self.exchange.withLock { $0.mustClose }
                }
            case .ended:
                break
            }
            if keepConnection && !after.bodyEnded && !after.reading {
                keepConnection = try await self.drainBody(
                    continueSent: after.continueState == .sent || after.continueState == .notNeeded
                )
            }
        } catch {
            failure = failure ?? error
            keepConnection = false
        }

        if self.exchange.withLock({ state in
            state.busy = false
            return state.quiescing
        }) {
            keepConnection = false
        }
        responder.exchangeDidFinish(
            HTTPExchange(
                finishing: request, context: context, status: status,
                requestBodyBytes: after.bodyBytes, responseBodyBytes: after.responseBytes, error: failure)
        )
        return keepConnection
    }

    /// Discards what is left of an unread request body, if it is short; returns whether the connection survives.
    private func drainBody(continueSent: Bool) async throws -> Bool {
        guard continueSent else { return false }  // the client may be waiting for a 100 that never comes
        var discarded = 0
        while let part = try await self.bridge.next() {
            switch part {
            case .body(let chunk):
                discarded += chunk.readableBytes
                if discarded > self.configuration.maxDrainBytes { return false }
            case .end:
                return true
            case .head:
                return false
            }
        }
        return false
    }

    /// The response sent when the responder wrote none.
    private static func fallbackResponse(for failure: (any Error)?) -> (HTTPResponse.Status, String) {
        guard let failure else {
            return (.internalServerError, "500 Internal Server Error\n\nThe responder returned without a response.\n")
        }
        if let error = failure as? HTTPServerError, error.code == .requestBodyTooLarge {
            return (.contentTooLarge, "413 Payload Too Large\n\n\(error.message)\n")
        }
        return (.internalServerError, "500 Internal Server Error\n\n\(failure)\n")
    }

    private func writeFallback(code: HTTPResponse.Status, text: String, keepAlive: Bool) async throws {
        let body = Array(text.utf8)
        var wire = self.wireBuffer(capacity: Self.wireCapacity(forBody: body.count))
        let framing = self.exchange.withLock { state in
            state.status = code
            return self.claimWireResponse(
                .response(HTTPResponse(status: code, headerFields: [.contentType: "text/plain; charset=utf-8"])),
                bodyLength: body.count, keepAlive: keepAlive, &state, into: &wire)
        }
        try self.writeWire(consume wire, framing: framing, body: .bytes(body))
    }

    /// Answers a request refused before any responder saw it, then the connection closes.
    private func refuse(_ head: HTTPRequestHead, problem: RequestHeadProblem) async throws {
        self.exchange.withLock { state in
            state.version = head.version
            state.isHead = head.method == .HEAD
        }
        let (code, text) = problem.response
        try await self.writeFallback(code: code, text: text, keepAlive: false)
    }
}
