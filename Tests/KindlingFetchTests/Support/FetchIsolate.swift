import KindlingFetch
import KindlingRuntime

/// JS the fetch suites share: `outcome(promise)`, which gives `"Name: message"` of what the promise rejects with, or
/// `"no error"`; and, while the runtime has no `AbortController` of its own yet (the events work brings it), a
/// stand-in with the platform's default reason, used only when the global is missing.
private let helpers = """
    globalThis.outcome = async (promise) => {
      try { await promise; return "no error"; } catch (e) { return `${e.name}: ${e.message}`; }
    };
    if (typeof globalThis.AbortController !== "function") {
      globalThis.AbortController = class {
        signal = {
          aborted: false, reason: undefined, listeners: [],
          addEventListener(type, listener) { this.listeners.push(listener); },
          removeEventListener(type, listener) { this.listeners = this.listeners.filter((l) => l !== listener); },
        };
        abort(reason = new DOMException("The operation was aborted.", "AbortError")) {
          if (this.signal.aborted) return;
          Object.assign(this.signal, { aborted: true, reason });
          for (const listener of this.signal.listeners) listener();
        }
      };
    }
    """

/// Runs `script` (the body of an async function) in a fresh isolate whose `fetch()` goes to the network through a
/// ``NetworkFetcher``, and returns `JSON.stringify` of what it returns. `waitForHang()` resolves once the origin's
/// `/hang` route has sent its head.
func fetchScript(_ script: String, origin: OriginServer) async throws -> String {
    let network = NetworkFetcher()
    let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "fetch-test", outbound: network))
    do {
        try await isolate.setGlobal("ORIGIN", to: .value(.string(origin.url)))
        try await isolate.setGlobal(
            "waitForHang", to: .function(.async { _ in await origin.hanging.wait(); return .undefined }))
        _ = try await isolate.evaluate(helpers, sourceURL: "helpers.js")
        let result = try await isolate.evaluate("(async () => {\n\(script)\n})()", sourceURL: "test.js")
        await isolate.shutdown()
        await network.shutdown()
        return result
    } catch {
        await isolate.shutdown()
        await network.shutdown()
        throw error
    }
}
