import Foundation
import KindlingRuntime
import Synchronization
import Testing

@Suite("Host functions")
struct HostFunctionTests {
    @Test("a sync host function gets JS arguments as HostValues and returns a value")
    func syncFunction() async throws {
        try await withIsolate { isolate async throws in
            try await isolate.setGlobal(
                "describe",
                to: .function(
                    .sync { arguments in
                        .object([
                            "count": .number(Double(arguments.count)),
                            "first": arguments.first ?? .undefined,
                            "bytes": .number(Double(arguments.last?.bytesValue?.count ?? -1)),
                        ])
                    }))
            let result = try await isolate.evaluate(
                "const r = describe({a: [1, 'x', null]}, new Uint8Array([1, 2, 3])); [r.count, r.first.a, r.bytes]")
            #expect(result == #"[2,[1,"x",null],3]"#)
        }
    }

    @Test("a view into part of a buffer reaches Swift as the view's bytes, not the buffer's")
    func viewBytes() async throws {
        try await withIsolate { isolate async throws in
            try await isolate.setGlobal("bytes", to: .function(.sync { arguments in .array((arguments.first?.bytesValue ?? []).map { .number(Double($0)) }) }))
            let result = try await isolate.evaluate(
                "const buffer = new Uint8Array([10, 11, 12, 13, 14, 15]).buffer; [bytes(new Uint8Array(buffer, 2, 3)), bytes(new Uint16Array(buffer, 4, 1)), bytes(buffer)]")
            #expect(result == "[[12,13,14],[14,15],[10,11,12,13,14,15]]")
        }
    }

    @Test("a ScriptError thrown by a host function is a JS error of that name")
    func throwsTypeError() async throws {
        try await withIsolate { isolate async throws in
            try await isolate.setGlobal(
                "check", to: .function(.sync { _ in throw ScriptError(name: "TypeError", message: "bad key") }))
            let result = try await isolate.evaluate(
                "try { check(); 'no' } catch (e) { [e instanceof TypeError, e.message] }")
            #expect(result == #"[true,"bad key"]"#)
        }
    }

    @Test("a promise settled before the body returns resolves the JS promise")
    func immediatePromise() async throws {
        try await withIsolate { isolate async throws in
            try await isolate.setGlobal(
                "double", to: .function(.promise { arguments, resolver in resolver.resolve(.number((arguments[0].numberValue ?? 0) * 2)) }))
            #expect(try await isolate.evaluate("const p = double(21); [p instanceof Promise]") == "[true]")
            #expect(try await isolate.evaluate("double(21)") == "42")
        }
    }

    @Test("a promise settled later from another thread resolves, and rejects with the Swift error")
    func laterPromise() async throws {
        try await withIsolate { isolate async throws in
            try await isolate.setGlobal(
                "later",
                to: .function(
                    .promise { arguments, resolver in
                        let value = arguments[0]
                        DispatchQueue.global().asyncAfter(deadline: .now() + 0.02) {
                            if value == .string("fail") {
                                resolver.reject(ScriptError(name: "RangeError", message: "too far"))
                            } else {
                                resolver.resolve(value)
                            }
                        }
                    }))
            #expect(try await isolate.evaluate("later('ok').then(v => v + '!')") == #""ok!""#)
            let result = try await isolate.evaluate(
                "later('fail').then(() => 'no', e => [e instanceof RangeError, e.message])")
            #expect(result == #"[true,"too far"]"#)
        }
    }

    @Test("an async host function's result and thrown errors reach JS")
    func asyncFunction() async throws {
        try await withIsolate { isolate async throws in
            try await isolate.setGlobal(
                "fetchValue",
                to: .function(
                    .async { arguments in
                        try await Task.sleep(for: .milliseconds(5))
                        guard let key = arguments.first?.stringValue else {
                            throw ScriptError(name: "TypeError", message: "key must be a string")
                        }
                        return .string("value of \(key)")
                    }))
            #expect(try await isolate.evaluate("fetchValue('a')") == #""value of a""#)
            #expect(try await isolate.evaluate("fetchValue(1).catch(e => e.name + ': ' + e.message)") == #""TypeError: key must be a string""#)
        }
    }

    @Test("a resolver dropped without settling rejects instead of leaving JS waiting")
    func droppedResolver() async throws {
        try await withIsolate { isolate async throws in
            try await isolate.setGlobal("forget", to: .function(.promise { _, _ in }))
            let result = try await isolate.evaluate("forget().then(() => 'resolved', e => e.message)")
            #expect(result == #""The host function dropped its promise without settling it.""#)
        }
    }

    @Test("settling twice keeps the first outcome")
    func settleOnce() async throws {
        try await withIsolate { isolate async throws in
            try await isolate.setGlobal(
                "twice",
                to: .function(
                    .promise { _, resolver in
                        resolver.resolve("first")
                        resolver.resolve("second")
                        resolver.reject(ScriptError(name: "Error", message: "third"))
                    }))
            #expect(try await isolate.evaluate("twice()") == #""first""#)
        }
    }

    @Test("5000 async host calls are in flight at once and each resolves with its own value")
    func thousandsInFlight() async throws {
        try await withIsolate { isolate async throws in
            // No call settles until all 5000 have been made; then another thread settles them in reverse order.
            let waiting = Mutex<[(HostValue, PromiseResolver)]>([])
            try await isolate.setGlobal(
                "echoLater",
                to: .function(
                    .promise { arguments, resolver in
                        let all = waiting.withLock { list -> [(HostValue, PromiseResolver)]? in
                            list.append((arguments[0], resolver))
                            return list.count == 5000 ? list : nil
                        }
                        guard let all else { return }
                        DispatchQueue.global().async {
                            for (value, resolver) in all.reversed() { resolver.resolve(value) }
                        }
                    }))
            let result = try await isolate.evaluate(
                """
                (async () => {
                  const values = await Promise.all(Array.from({length: 5000}, (_, i) => echoLater(i)));
                  return values.every((v, i) => v === i) ? values.length : 'mismatch';
                })()
                """)
            #expect(result == "5000")
        }
    }

    @Test("concurrent Swift calls into one isolate interleave at await points")
    func concurrentCallsInterleave() async throws {
        try await withIsolate { isolate async throws in
            // Every call waits until all 20 are inside JS at once; run one after another, they would never finish.
            let arrived = Mutex<[PromiseResolver]>([])
            try await isolate.setGlobal(
                "wait",
                to: .function(
                    .promise { _, resolver in
                        let all = arrived.withLock { list -> [PromiseResolver]? in
                            list.append(resolver)
                            return list.count == 20 ? list : nil
                        }
                        all?.forEach { $0.resolve(.null) }
                    }))
            _ = try await isolate.evaluate("var active = 0, peak = 0")
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await isolate.evaluate(
                            "(async () => { active++; peak = Math.max(peak, active); await wait(); active--; return 1 })()")
                    }
                }
                for try await result in group { #expect(result == "1") }
            }
            #expect(try await isolate.evaluate("peak") == "20")
        }
    }
}

@Suite("Isolate threads")
struct IsolateThreadTests {
    @Test("two isolates run at the same time on two threads")
    func twoIsolatesInParallel() async throws {
        // Isolate A blocks its thread until isolate B signals; on one shared thread this would time out.
        let semaphore = DispatchSemaphore(value: 0)
        let threads = Mutex<[String]>([])
        let waitForB = HostFunction.sync { _ in
            threads.withLock { $0.append(currentThreadName()) }
            return .bool(semaphore.wait(timeout: .now() + 10) == .success)
        }
        let signalA = HostFunction.sync { _ in
            threads.withLock { $0.append(currentThreadName()) }
            semaphore.signal()
            return .bool(true)
        }
        try await withIsolate(IsolateConfiguration(name: "a")) { a async throws in
            try await withIsolate(IsolateConfiguration(name: "b")) { b async throws in
                try await a.setGlobal("waitForB", to: .function(waitForB))
                try await b.setGlobal("signalA", to: .function(signalA))
                async let first = a.evaluate("waitForB()")
                try await Task.sleep(for: .milliseconds(20))
                async let second = b.evaluate("signalA()")
                #expect(try await first == "true")
                #expect(try await second == "true")
            }
        }
        #expect(Set(threads.withLock { $0 }) == ["kindling:a", "kindling:b"])
    }
}

extension IsolateThreadTests {
    @Test("an isolate's thread ends when the isolate is released, with or without shutdown")
    func threadEndsOnRelease() async throws {
        // The thread ids, as the isolate threads themselves report them (names would not do: threads JavaScriptCore
        // starts from an isolate's thread inherit its name).
        let threadID = HostFunction.sync { _ in
            let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
            return .string(String(link.split(separator: "/").last ?? ""))
        }
        var isolates: [WorkerIsolate] = []
        var ids: [String] = []
        for index in 0..<3 {
            let isolate = try await WorkerIsolate(configuration: IsolateConfiguration(name: "gone\(index)"))
            try await isolate.setGlobal("threadID", to: .function(threadID))
            ids.append(try await isolate.evaluate("threadID()").replacingOccurrences(of: "\"", with: ""))
            if index == 0 { await isolate.shutdown() }
            isolates.append(isolate)
        }
        let alive = { ids.filter { FileManager.default.fileExists(atPath: "/proc/self/task/\($0)") } }
        #expect(Set(ids).count == 3)
        #expect(alive().count == 3)
        isolates.removeAll()
        for _ in 0..<200 where !alive().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(alive().isEmpty)
    }
}

/// The OS name of the calling thread (Linux: `/proc/thread-self/comm`).
private func currentThreadName() -> String {
    let name = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
    return name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? Thread.current.name ?? ""
}
