import NIOCore
import Synchronization

/// The open connections of a server, so shutdown can quiesce them and, past the deadline, close them.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [ObjectIdentifier: HTTPConnection] = [:]
        var isShuttingDown = false
    }

    private let state = Mutex(State())

    /// Adds a connection. If the server is already shutting down, the connection is asked to quiesce at once:
    /// it answers a request it already received, then closes.
    func register(_ connection: HTTPConnection) {
        let quiesce = self.state.withLock { state in
            state.connections[ObjectIdentifier(connection)] = connection
            return state.isShuttingDown
        }
        if quiesce { connection.quiesce() }
    }

    func remove(_ connection: HTTPConnection) {
        _ = self.state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    /// Asks every connection to finish: idle ones close now, busy ones after their current response, which
    /// carries `Connection: close` when its head has not been written yet.
    func quiesceAll() {
        let connections = self.state.withLock { state in
            state.isShuttingDown = true
            return Array(state.connections.values)
        }
        for connection in connections { connection.quiesce() }
    }

    /// Closes every connection that is still open.
    func closeAll() {
        let connections = self.state.withLock { Array($0.connections.values) }
        for connection in connections { connection.channel.close(promise: nil) }
    }
}
