import CJavaScriptCore
import Testing

@testable import KindlingRuntime

extension WorkerIsolate {
    /// Runs `body` with the isolate's context on its thread (an actor-isolated method: a job of the isolate).
    fileprivate func withContext<T: Sendable>(_ body: @Sendable (ScriptContext) throws -> T) throws -> T {
        try body(context)
    }
}

/// Values a call's arguments are made of live in `withStackValues`' buffer, unprotected, until the call: the
/// collector must find them there.
@Suite("JS values kept on the native stack")
struct StackValuesTests {
    @Test("values in withStackValues' buffer survive a full collection and the allocations after it")
    func survivesCollection() async throws {
        let expected = (0..<8).map { "value \($0) " + String(repeating: "·", count: 20 + $0) }
        try await withIsolate { isolate async throws in
            let texts = try await isolate.withContext { context in
                try context.withStackValues { values throws(ScriptError) in
                    for (index, text) in expected.enumerated() { values[index] = context.makeString(text) }
                    JSSynchronousGarbageCollectForDebugging(context.global)
                    // Had the collector missed them, these would take their cells.
                    for index in 0..<20_000 { _ = context.makeString("filler \(index) " + String(repeating: "-", count: 24)) }
                    return (0..<expected.count).map { index in
                        values[index].map { Properties.string(context.global, $0) } ?? "(nil)"
                    }
                }
            }
            #expect(texts == expected)
        }
    }
}
