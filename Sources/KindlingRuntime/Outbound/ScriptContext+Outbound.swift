import CJavaScriptCore
import Synchronization

extension ScriptContext {
    /// Gives the prelude's `fetch` (`1c-fetch.js`) its way out: `internal.outbound`, an object whose
    /// `fetch(method, url, headers, body, id)` sends through `outbound` and whose `cancel(id)` cancels that exchange.
    /// Runs on the isolate's thread, once, when the context is made.
    func installOutbound(_ outbound: any OutboundFetcher) throws(ScriptError) {
        guard let internalObject else { return }
        let exchanges = OutboundExchanges()
        let fetch = HostFunction.promise { arguments, resolver in
            let id = arguments.count > 4 ? Int(arguments[4].numberValue ?? 0) : 0
            let cancel = outbound.send(WorkerRequest(fetchArguments: arguments)) { result in
                exchanges.finish(id)
                switch result {
                case .success(let response): resolver.resolve(response.fetchAnswer)
                case .failure(let error): resolver.reject(error)
                }
            }
            exchanges.start(id, cancel: cancel)
        }
        let cancel = HostFunction.sync { arguments in
            exchanges.cancel(Int(arguments.first?.numberValue ?? 0))
            return .undefined
        }
        let object = try jsValue(.object(["fetch": .function(fetch), "cancel": .function(cancel)]))
        Properties.set(global, internalObject, "outbound", object)
    }
}

/// The cancel functions of an isolate's outbound exchanges in flight, by the id JS gave each.
///
/// `start` runs on the isolate's thread after `send` returned; `finish` runs wherever the fetcher completes, possibly
/// inside `send`, before `start` (so an id finished early is remembered until its `start` comes).
final class OutboundExchanges: Sendable {
    private struct State {
        var cancels: [Int: @Sendable () -> Void] = [:]
        var finishedEarly: Set<Int> = []
    }

    private let state = Mutex(State())

    func start(_ id: Int, cancel: @escaping @Sendable () -> Void) {
        state.withLock { state in
            if state.finishedEarly.remove(id) == nil { state.cancels[id] = cancel }
        }
    }

    func finish(_ id: Int) {
        state.withLock { state in
            if state.cancels.removeValue(forKey: id) == nil { state.finishedEarly.insert(id) }
        }
    }

    func cancel(_ id: Int) {
        let cancel = state.withLock { $0.cancels.removeValue(forKey: id) }
        cancel?()
    }
}
