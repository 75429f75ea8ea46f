import KindlingFetch
import KindlingRuntime
import KindlingTesting

/// JS the fetch suites share: `outcome(promise)`, which gives `"Name: message"` of what the promise rejects with, or
/// `"no error"`.
private let helpers = """
    globalThis.outcome = async (promise) => {
      try { await promise; return "no error"; } catch (e) { return `${e.name}: ${e.message}`; }
    };
    """

/// Runs `script` (the body of an async function) in a fresh isolate whose `fetch()` goes to the network through a
/// ``NetworkFetcher``, and returns `JSON.stringify` of what it returns. `waitForHang()` resolves once the origin's
/// `/hang` route has sent its head, `waitForStall()` once `/stall` has received its request, `waitForUpload()` once
/// `/upload` has received a first part; `release()` fires the origin's ``OriginServer/released``. `functions` are
/// further globals.
func fetchScript(
    _ script: String, origin: OriginServer, functions: [String: HostFunction] = [:]
) async throws -> String {
    let network = NetworkFetcher()
    let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "fetch-test", outbound: network))
    do {
        try await isolate.setGlobal("ORIGIN", to: .value(.string(origin.url)))
        try await isolate.setGlobal(
            "waitForHang", to: .function(.async { _ in await origin.hanging.wait(); return .undefined }))
        try await isolate.setGlobal(
            "waitForStall", to: .function(.async { _ in await origin.stalled.wait(); return .undefined }))
        try await isolate.setGlobal("release", to: .function(.sync { _ in origin.released.fire(); return .undefined }))
        try await isolate.setGlobal(
            "waitForUpload", to: .function(.async { _ in await origin.uploadStarted.wait(); return .undefined }))
        for (name, function) in functions { try await isolate.setGlobal(name, to: .function(function)) }
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
