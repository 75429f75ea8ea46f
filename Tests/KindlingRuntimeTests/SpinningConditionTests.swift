import Foundation
import Testing

@testable import KindlingRuntime

/// The lock and condition of the isolate executor's queue and the log writer's buffer.
@Suite("SpinningCondition")
struct SpinningConditionTests {
    @Test("the lock keeps two threads' updates apart")
    func excludes() async {
        final class Counter: @unchecked Sendable {
            let condition = SpinningCondition()
            var value = 0
        }
        let counter = Counter()
        let done = DispatchGroup()
        for _ in 0..<2 {
            Thread {
                for _ in 0..<200_000 {
                    counter.condition.lock()
                    // A read and a write apart, so that an unguarded pair of threads loses updates.
                    let seen = counter.value
                    counter.value = seen + 1
                    counter.condition.unlock()
                }
                done.leave()
            }.start()
            done.enter()
        }
        done.wait()
        #expect(counter.value == 400_000)
    }

    @Test("a signal wakes a waiting thread, which then holds the lock")
    func signalWakes() {
        final class Flag: @unchecked Sendable {
            let condition = SpinningCondition()
            var raised = false
            var seenByWaiter = false
        }
        let flag = Flag()
        let finished = DispatchSemaphore(value: 0)
        Thread {
            flag.condition.lock()
            while !flag.raised { flag.condition.wait() }
            flag.seenByWaiter = true
            flag.condition.unlock()
            finished.signal()
        }.start()
        usleep(20_000)  // most likely waiting by now; the test holds either way
        flag.condition.lock()
        flag.raised = true
        flag.condition.signal()
        flag.condition.unlock()
        // A guard against a hang, not a measurement.
        #expect(finished.wait(timeout: .now() + 10) == .success)
        flag.condition.lock()
        #expect(flag.seenByWaiter)
        flag.condition.unlock()
    }

    @Test("a timed wait with no signal returns false, after the time asked for")
    func timedWaitTimesOut() {
        let condition = SpinningCondition()
        condition.lock()
        let start = DispatchTime.now().uptimeNanoseconds
        let signalled = condition.wait(seconds: 0.05)
        let waited = DispatchTime.now().uptimeNanoseconds - start
        condition.unlock()
        #expect(!signalled)
        #expect(waited >= 50_000_000)
    }

    @Test("a timed wait that is signalled returns true")
    func timedWaitSignalled() {
        final class Box: @unchecked Sendable {
            let condition = SpinningCondition()
            var raised = false
        }
        let box = Box()
        Thread {
            usleep(20_000)
            box.condition.lock()
            box.raised = true
            box.condition.signal()
            box.condition.unlock()
        }.start()
        box.condition.lock()
        var signalled = true
        while !box.raised && signalled { signalled = box.condition.wait(seconds: 10) }
        box.condition.unlock()
        #expect(signalled)
        #expect(box.raised)
    }
}
