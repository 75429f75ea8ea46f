import CJavaScriptCore

/// Process-wide JavaScriptCore options, set once before the first context group exists.
enum EngineOptions {
    /// Runs the set-up the first time it is read; `ScriptContext` reads it before creating a group.
    static let configured: Void = {
        // The CPU limit must stop optimized code too. By default JavaScriptCore does that with signals: a
        // "VMTraps Signal Sender" thread suspends whichever thread holds the VM's lock and patches its code. That
        // thread can be gone by the time the signal is sent (an isolate is borrowed by Swift's pool threads, which
        // exit when idle, and isolate threads end at dispose), and signalling an exited thread aborts the process:
        // about one CI run in ten died so. Polling traps check a flag at loop heads and calls instead; no thread is
        // ever signalled, and the cost is one predictable branch per loop iteration.
        _ = jsc_options_set_boolean("usePollingTraps", 1)
    }()
}
