import AsyncHTTPClient
import KindlingRuntime
import NIOCore
import NIOHTTP1

/// Collects one response, head and whole body, into a ``KindlingRuntime/WorkerResponse``.
///
/// The delegate is where the body would become a stream: `didReceiveHead` has everything but the body, and
/// `didReceiveBodyPart`'s future is AsyncHTTPClient's back-pressure.
final class ResponseCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    // Safety: AsyncHTTPClient calls a delegate's methods one at a time, on the event loop of the request's task,
    // and hands the result over through the task's future; nothing else touches these fields.
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    func didReceiveHead(task: HTTPClient.Task<KindlingRuntime.WorkerResponse>, _ head: HTTPResponseHead)
        -> EventLoopFuture<Void>
    {
        self.head = head
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length < 1 << 30 {
            body.reserveCapacity(length)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<KindlingRuntime.WorkerResponse>, _ buffer: ByteBuffer)
        -> EventLoopFuture<Void>
    {
        body.append(contentsOf: buffer.readableBytesView)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<KindlingRuntime.WorkerResponse>) throws
        -> KindlingRuntime.WorkerResponse
    {
        guard let head else { throw HTTPClientError.remoteConnectionClosed }
        return KindlingRuntime.WorkerResponse(
            status: Int(head.status.code),
            statusText: head.status.reasonPhrase,
            headers: head.headers.map { KindlingRuntime.WorkerRequest.Header($0.name, $0.value) },
            body: .bytes(body)
        )
    }
}
