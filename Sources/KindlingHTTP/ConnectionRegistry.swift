import NIOCore
import NIOHTTP1
import Synchronization

/// The open connections of a server, so shutdown can quiesce them and, past the deadline, close them.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var isShuttingDown = false
    }

    private let state = Mutex(State())

    /// Adds a connection. If the server is already shutting down, the connection is asked to quiesce at once:
    /// it answers a request it already received, then closes.
    func register(_ channel: any Channel) {
        let quiesce = self.state.withLock { state in
            state.channels[ObjectIdentifier(channel)] = channel
            return state.isShuttingDown
        }
        if quiesce { Self.quiesce(channel) }
    }

    func remove(_ channel: any Channel) {
        _ = self.state.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Asks every connection to finish: idle ones close now, busy ones after their current response, which
    /// carries `Connection: close` when its head has not been written yet (NIO's `HTTPServerPipelineHandler`).
    func quiesceAll() {
        let channels = self.state.withLock { state in
            state.isShuttingDown = true
            return Array(state.channels.values)
        }
        for channel in channels { Self.quiesce(channel) }
    }

    /// Closes every connection that is still open.
    func closeAll() {
        let channels = self.state.withLock { Array($0.channels.values) }
        for channel in channels { channel.close(promise: nil) }
    }

    private static func quiesce(_ channel: any Channel) {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
}
