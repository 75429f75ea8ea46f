import HTTPTypes
import NIOCore
import NIOHTTP1
import Synchronization

/// The callback path: a request without a body, answered through an ``HTTPReply`` while the connection's task
/// stays parked in the bridge. Everything here runs on the event loop (replies from other threads hop there
/// first), so writes go straight into the pipeline.
extension HTTPConnection {
    /// A callback exchange handed back to the connection's task (``HTTPReply/continueAsync(_:)``).
    struct HandOff: Sendable {
        let context: HTTPRequestContext
        let respond: @Sendable (HTTPResponseWriter) async throws -> Void
    }

    /// Has the bridge offer `responder` each request head that arrives while the connection is idle.
    func offerRequests(to responder: any HTTPCallbackResponder) {
        self.bridge.setCallbackPath { [self] head in self.offer(head, to: responder) }
    }

    /// Offers a request head from the bridge to `responder`; returns whether it took the request.
    ///
    /// Declines (the task then handles the head) anything with a body or an expectation, a head the server would
    /// refuse, and a head that arrives while an exchange is still finishing.
    func offer(_ head: HTTPRequestHead, to responder: any HTTPCallbackResponder) -> Bool {
        let headers = head.headers
        guard !headers.contains(name: "content-length"), !headers.contains(name: "transfer-encoding"),
            !headers.contains(name: "expect"),
            let request = try? HTTPRequest(head, configuration: self.configuration)
        else { return false }
        let generation = self.exchange.withLock { state -> UInt64? in
            guard !state.busy else { return nil }
            return state.begin(head, expectsContinue: false)
        }
        guard let generation else { return false }
        let context = HTTPRequestContext(
            remoteAddress: self.remoteAddress, localAddress: self.localAddress, receivedAt: .now,
            allocator: self.allocator)
        let reply = HTTPReply(
            connection: self, generation: generation, request: request, head: head, context: context,
            responder: responder)
        if responder.respond(to: request, context: context, reply: reply) { return true }
        self.exchange.withLock { state in
            state.end()
            state.busy = false
        }
        return false
    }

    /// Writes a reply's whole response and finishes its exchange.
    func sendReply(_ response: ResponseHeadSource, body: ByteBuffer, for reply: HTTPReply) {
        // No closure when already on the loop (the isolate's own loop answering its own connection).
        if self.eventLoop.inEventLoop {
            self.writeReply(response, body: .buffer(body), for: reply)
        } else {
            self.eventLoop.execute { self.writeReply(response, body: .buffer(body), for: reply) }
        }
    }

    /// Writes a reply's whole response, its body given as bytes (copied on the event loop into the buffer the
    /// head is serialized into, which the connection reuses), and finishes its exchange.
    func sendReply(_ response: ResponseHeadSource, bodyBytes: [UInt8], for reply: HTTPReply) {
        if self.eventLoop.inEventLoop {
            self.writeReply(response, body: .bytes(bodyBytes), for: reply)
        } else {
            self.eventLoop.execute { self.writeReply(response, body: .bytes(bodyBytes), for: reply) }
        }
    }

    private func writeReply(_ response: ResponseHeadSource, body: WholeBody, for reply: HTTPReply) {
        let bodyCount = body.count
        // Serialized under the lock, where the framing is decided: on the event loop, which the connection's task
        // (parked meanwhile) is the only other taker of.
        var wire = self.wireBuffer(capacity: Self.wireCapacity(forBody: bodyCount))
        let framing = self.exchange.withLock { state -> BodyFraming? in
            // A reply's generation is its exchange's alone: once the exchange has ended (answered, handed back,
            // closed), the check fails and the reply is ignored.
            guard (try? state.checkWritable(reply.generation)) != nil else { return nil }
            state.status = response.status
            return self.claimWireResponse(response, bodyLength: bodyCount, &state, into: &wire)
        }
        guard let framing else { return }
        var failure: (any Error)?
        do {
            try self.writeWire(consume wire, framing: framing, body: body)
        } catch {
            failure = error
        }
        self.finishReply(reply, failure: failure)
    }

    /// Hands a reply's exchange back to the connection's task, which answers it with `respond`.
    func handBack(_ respond: @escaping @Sendable (HTTPResponseWriter) async throws -> Void, for reply: HTTPReply) {
        self.onEventLoop {
            let taken = self.exchange.withLock { state -> Bool in
                guard (try? state.checkWritable(reply.generation)) != nil else { return false }
                state.end()  // still busy: the task takes the exchange up again from the head
                state.handOff = HandOff(context: reply.context, respond: respond)
                return true
            }
            guard taken else { return }
            if !self.bridge.finishCallbackExchange(handingOff: reply.head) {
                // The connection closed and its task is gone: let `respond` fail on a spent writer (so it can
                // release what it holds, such as a stream), and log the request like any other.
                let spent = HTTPResponseWriter(connection: self, generation: reply.generation)
                Task { try? await respond(spent) }
                self.exchange.withLock { state in
                    state.handOff = nil
                    state.busy = false
                }
                reply.responder.exchangeDidFinish(
                    HTTPExchange(
                        finishing: reply.request, context: reply.context, status: nil,
                        requestBodyBytes: 0, responseBodyBytes: 0, error: HTTPServerError.connectionClosed))
            }
        }
    }

    /// Ends a reply's exchange once its response is written: logs it, and lets the task have the next request,
    /// or closes the connection.
    private func finishReply(_ reply: HTTPReply, failure: (any Error)?) {
        let (keepAlive, status, responseBytes) = self.exchange.withLock { state in
            state.end()
            state.busy = false
            return (state.keepAlive && !state.mustClose && !state.quiescing, state.status, state.responseBytes)
        }
        let keepConnection = keepAlive && failure == nil
        reply.responder.exchangeDidFinish(
            HTTPExchange(
                finishing: reply.request, context: reply.context, status: status,
                requestBodyBytes: 0, responseBodyBytes: responseBytes, error: failure))
        if !keepConnection { self.channel.close(promise: nil) }
        _ = self.bridge.finishCallbackExchange()
    }

    private func onEventLoop(_ work: @escaping @Sendable () -> Void) {
        if self.eventLoop.inEventLoop { work() } else { self.eventLoop.execute(work) }
    }
}
