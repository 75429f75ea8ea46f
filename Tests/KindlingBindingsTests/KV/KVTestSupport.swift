import Foundation
import KindlingBindings
import KindlingStorage
import KindlingTesting

/// Seconds since the epoch the fake clock starts at (Miniflare's tests use 1000 the same way).
let timeNow: Int64 = 1_000_000

/// A KV service on a fresh persistence root with a fake clock, shut down afterwards.
func withKV<T>(
    limits: KVLimits = KVLimits(),
    _ body: (KVService, FakeClock) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { root in
        let clock = FakeClock(now: timeNow * 1000)
        let persistence = try Persistence.open(root: root, clock: clock)
        defer { persistence.shutdown() }
        return try await body(KVService(persistence: persistence, limits: limits), clock)
    }
}

/// Rows of `sql` read straight from the root's `kindling.sqlite`, as `sqlite3` would.
func sqliteRows(_ persistence: Persistence, _ sql: String) throws -> [[String]] {
    try SQLiteFile(path: persistence.databasePath).rows(sql)
}
