import Testing

/// JavaScript values Swift holds for a moment must stay where JavaScriptCore's collector sees them
/// (the native stack, or protected). A value kept only in a Swift array while the next one is made
/// can be collected by that allocation, and its cell reused: a request's header list turns into
/// another string, or the process crashes. Collections that rare show up only under load, so the
/// child process runs with `JSC_collectContinuously` (JavaScriptCore's option for a collection at
/// every chance), which makes such a bug fail at once.
@Suite("Garbage collection during service calls", .timeLimit(.minutes(2)))
struct GarbageCollectionTests {
    @Test("requests through a service binding under continuous collection all answer right")
    func serviceCallsUnderContinuousCollection() throws {
        let result = try ChildProcess.run(
            ChildProcess.executable("KindlingTestHelper"), ["service-calls", "1000"],
            environment: ["JSC_collectContinuously": "true", "SWIFT_BACKTRACE": "enable=no"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text == "ok 1000\n")
    }
}
