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
/// collector must find them there. Values kept in a Swift array instead must be protected.
@Suite("JS values Swift keeps while it makes more")
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

    @Test("values protected in a Swift array survive a full collection too")
    func protectedValuesSurviveCollection() async throws {
        let expected = (0..<8).map { "kept \($0) " + String(repeating: "·", count: 30 + $0) }
        try await withIsolate { isolate async throws in
            let texts = try await isolate.withContext { context in
                let values = expected.map { context.protected(context.makeString($0)) }
                defer { context.unprotect(values) }
                JSSynchronousGarbageCollectForDebugging(context.global)
                for index in 0..<20_000 { _ = context.makeString("filler \(index) " + String(repeating: "-", count: 40)) }
                return values.map { $0.map { Properties.string(context.global, $0) } ?? "(nil)" }
            }
            #expect(texts == expected)
        }
    }
}
