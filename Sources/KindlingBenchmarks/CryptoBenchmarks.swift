import Crypto
import Foundation
import KindlingRuntime

/// Benchmarks of `crypto.subtle` (issue 5): SHA-256 of 1 MiB through `crypto.subtle.digest` against swift-crypto's
/// own `SHA256` on the same bytes, measured in the same run (target: within 2×, i.e. at least 50 % of its speed).
enum CryptoBenchmarks {
    static let size = 1 << 20
    static let digests = 100

    static func run() async throws {
        print("# crypto (issue 5)")
        let library = libraryRate()
        let ours = try await subtleRate()
        Report.ratio("crypto: SHA-256 of 1 MiB via crypto.subtle.digest (digests/s)", ours, of: library, atLeast: 0.5)
        print(
            "crypto: that is \(Report.format(ours)) MiB/s through JS against \(Report.format(library)) MiB/s "
                + "from swift-crypto's SHA256 called directly")
    }

    /// Digests per second of swift-crypto's SHA256 over a 1 MiB buffer, best of five rounds.
    static func libraryRate() -> Double {
        let data = [UInt8](repeating: 0x61, count: size)
        let expected = SHA256.hash(data: data)
        return Measure.rate(iterations: digests) { _ in
            // Comparing with a known digest keeps the optimiser from dropping the work.
            let digest = data.withUnsafeBytes { SHA256.hash(data: $0) }
            precondition(digest == expected)
        }
    }

    /// Digests per second from a worker's point of view: `await crypto.subtle.digest("SHA-256", data)` in a JS loop
    /// (the promise and the `ArrayBuffer` result included), best of five rounds.
    static func subtleRate() async throws -> Double {
        let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "crypto"))
        defer { Task { await isolate.shutdown() } }
        _ = try await isolate.evaluate(
            """
            globalThis.data = new Uint8Array(\(size)).fill(0x61);
            globalThis.run = async (count) => { let last; for (let i = 0; i < count; i++) last = await crypto.subtle.digest("SHA-256", data); return last.byteLength; };
            run(10)
            """)
        var best = 0.0
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let result = try await isolate.evaluate("run(\(digests))")
            let seconds = (ContinuousClock.now - start).seconds
            precondition(result == "32", "digest returned \(result)")
            best = max(best, Double(digests) / seconds)
        }
        return best
    }
}
