import CJavaScriptCore
import Foundation

/// The time JavaScript sees (`Date.now()`, `new Date()`, `performance.now()`): wall-clock milliseconds read when
/// Swift enters JavaScript, and frozen until that entry returns.
///
/// On the platform these clocks only advance at I/O, so a CPU-bound loop measures 0 ms (a Spectre mitigation).
/// Here every entry from Swift is such a point: an incoming event, a timer firing, a binding's promise settling,
/// an evaluation. Microtasks that run before the entry returns see the same time. Entries nested inside a host
/// function (JS → Swift → JS) do not move it. The value never goes backwards, even if the wall clock does.
///
/// The cell is shared with JS as a `Float64Array` over Swift's memory (`host.clock`, read by `22-clock.js`), so
/// reading the time costs JS no call into Swift. Owned by the ``ScriptContext`` and used on the isolate's thread.
final class FrozenClock {
    // Safety: `cell` is allocated here and freed in deinit, which runs after the context was closed, so no JS
    // reads it afterwards; the typed array over it has no deallocator, so JavaScriptCore never frees it.
    private let cell: UnsafeMutablePointer<Double>
    private var depth = 0
    /// When the outermost entry began, on the monotonic clock: timers set during an entry count their delay from
    /// it, as workerd counts them from its frozen time, so timers set in one go fire in the order of their delays
    /// however long the script ran between setting them (and a timer set after a long computation is already due).
    private(set) var entered = ContinuousClock.now

    init() {
        cell = .allocate(capacity: 1)
        cell.initialize(to: Self.wallMilliseconds())
    }

    deinit {
        cell.deallocate()
    }

    /// Marks an entry into JavaScript; the outermost one reads the wall clock.
    func enter() {
        if depth == 0 {
            cell.pointee = max(cell.pointee, Self.wallMilliseconds())
            entered = .now
        }
        depth += 1
    }

    func exit() {
        depth -= 1
    }

    /// Whether the current entry is the outermost one (not a call from a host function back into JavaScript: a host
    /// function's call counts as an entry too).
    var isOutermost: Bool { depth == 1 }

    /// A `Float64Array` of one element over the cell, for the prelude.
    func makeTypedArray(in context: JSContextRef) -> JSObjectRef? {
        JSObjectMakeTypedArrayWithBytesNoCopy(
            context, kJSTypedArrayTypeFloat64Array, cell, MemoryLayout<Double>.size, nil, nil, nil)
    }

    /// Whole milliseconds since the Unix epoch, as `Date.now()` gives them.
    private static func wallMilliseconds() -> Double {
        // clock_gettime itself: Foundation's Date() reads the same clock through two more layers.
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) * 1000 + Double(now.tv_nsec / 1_000_000)
    }
}
