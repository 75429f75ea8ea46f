import Foundation

/// Timing helpers for the benchmark executable. Each figure is the best of several rounds, so
/// one noisy round on a shared machine does not decide the result.
enum Measure {
    /// Runs `body` `iterations` times per round and returns the best rate, in operations per second.
    static func rate(iterations: Int, rounds: Int = 5, _ body: (Int) throws -> Void) rethrows -> Double {
        var best = 0.0
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            for index in 0..<iterations {
                try body(index)
            }
            let seconds = (ContinuousClock.now - start).seconds
            best = max(best, Double(iterations) / seconds)
        }
        return best
    }

    /// The fastest of `rounds` runs of `body`, in milliseconds.
    static func bestMilliseconds(rounds: Int = 20, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            try body()
            best = min(best, (ContinuousClock.now - start).seconds * 1000)
        }
        return best
    }
}

/// CPU time (user plus system, every thread), which a loaded machine moves far less than wall time.
enum CPUTime {
    /// This process's CPU time so far.
    static func ofThisProcess() -> Duration {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let user = Duration.seconds(usage.ru_utime.tv_sec) + .microseconds(usage.ru_utime.tv_usec)
        let system = Duration.seconds(usage.ru_stime.tv_sec) + .microseconds(usage.ru_stime.tv_usec)
        return user + system
    }

    /// Process `pid`'s CPU time so far, from /proc (clock-tick resolution, 10 ms here); zero when unreadable.
    static func ofProcess(_ pid: Int32) -> Duration {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return .zero }
        // Fields after the command name: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return .zero }
        let ticks = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return .milliseconds((user + system) * 1000 / max(ticks, 1))
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}

/// One printed line per figure: `name: value unit  (comparison)  target …  PASS|MISS`.
enum Report {
    static func rate(_ name: String, _ opsPerSecond: Double) {
        print("\(name): \(format(opsPerSecond)) ops/s")
    }

    static func ratio(_ name: String, _ ours: Double, of baseline: Double, atLeast target: Double) {
        let ratio = ours / baseline
        let verdict = ratio >= target ? "PASS" : "MISS"
        print(
            "\(name): \(format(ours)) ops/s = \(percent(ratio)) of raw \(format(baseline)) ops/s"
                + " (target >= \(percent(target))) \(verdict)"
        )
    }

    static func milliseconds(_ name: String, _ value: Double, below target: Double) {
        let verdict = value < target ? "PASS" : "MISS"
        print("\(name): \(String(format: "%.3f", value)) ms (target < \(target) ms) \(verdict)")
    }

    static func format(_ value: Double) -> String {
        value >= 10_000 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    static func percent(_ ratio: Double) -> String {
        String(format: "%.0f%%", ratio * 100)
    }
}
