#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Calendar time for everything that expires or fires: KV expiry, alarms, workflow sleeps.
///
/// Swift's `Clock` instants are not calendar time, and KV `expiration` is seconds since the
/// Unix epoch, so stores read this instead. Tests inject a fake that they advance by hand.
public protocol WallClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func now() -> Int64
    /// Returns once ``now()`` has reached `deadline` (ms since the epoch).
    func sleep(until deadline: Int64) async throws
}

/// The system's real-time clock.
public struct SystemClock: WallClock {
    /// Creates the system clock.
    public init() {}

    public func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public func sleep(until deadline: Int64) async throws {
        let remaining = deadline - now()
        if remaining > 0 {
            try await Task.sleep(for: .milliseconds(remaining))
        }
    }
}
