import Foundation
import KindlingBindings
import KindlingStorage

/// The foundation's figures: KV `get`/`put` through our API against raw SQLite on the same kind
/// of table, and `list` of 1000 keys. 10,000 keys of 100-byte values, as the issue asks.
enum StorageBenchmarks {
    static let keyCount = 10_000
    static let value = [UInt8](repeating: 0x61, count: 100)

    static func run() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-bench-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let keys = (0..<keyCount).map { String(format: "key-%05d", $0) }
        // A fixed shuffle, so raw and store read the same keys in the same order.
        var generator = SplitMix(seed: 42)
        let order = (0..<keyCount).map { _ in keys[Int(generator.next() % UInt64(keyCount))] }

        let raw = RawSQLite(path: directory.appendingPathComponent("raw.sqlite").path)
        let persistence = try Persistence.open(root: directory.appendingPathComponent("root").path)
        defer { persistence.shutdown() }
        let namespace = try KVService(persistence: persistence).namespace("bench")
        for key in keys {
            raw.put(key, value)
            try namespace.put(key, value)
        }

        // Interleave raw and ours in one run, so machine noise hits both alike.
        let rawGet = Measure.rate(iterations: keyCount) { index in _ = raw.get(order[index]) }
        let storeGet = try Measure.rate(iterations: keyCount) { index in _ = try namespace.get(order[index]) }
        Report.ratio("kv.get (10k keys, 100 B)", storeGet, of: rawGet, atLeast: 0.5)

        // Puts of new keys (a plain insert each); the names are made outside the timed loops.
        let putCount = 2_000
        let rounds = 3
        let rawKeys = (0..<putCount * rounds).map { "raw-\($0)" }
        let storeKeys = (0..<putCount * rounds).map { "store-\($0)" }
        var next = 0
        let rawPut = Measure.rate(iterations: putCount, rounds: rounds) { _ in
            raw.put(rawKeys[next], value)
            next += 1
        }
        next = 0
        let storePut = try Measure.rate(iterations: putCount, rounds: rounds) { _ in
            try namespace.put(storeKeys[next], value)
            next += 1
        }
        Report.ratio("kv.put (new key, own transaction)", storePut, of: rawPut, atLeast: 0.5)

        let list = try Measure.bestMilliseconds {
            let page = try namespace.list(KVListOptions(prefix: "key-0"))
            precondition(page.keys.count == 1000)
        }
        Report.milliseconds("kv.list 1000 keys", list, below: 5)
    }
}

/// A tiny deterministic generator (SplitMix64), so runs read the same keys.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
