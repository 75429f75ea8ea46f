import CJavaScriptCore
import Logging

extension ScriptContext {
    /// Makes a host function object whose body runs on this isolate's thread.
    func makeFunction(_ body: @escaping NativeFunctionBody) -> JSObjectRef {
        NativeFunctions.make(global, functionPrototype: functionPrototype, clock: clock, body: body)
    }

    /// Sets `name` on `object` to a host function (not enumerable).
    func defineFunction(on object: JSObjectRef, _ name: String, _ body: @escaping NativeFunctionBody) {
        Properties.set(
            global, object, name, makeFunction(body), attributes: JSPropertyAttributes(kJSPropertyAttributeDontEnum))
    }

    /// The host functions the prelude builds on, installed on `__kindling` before it runs.
    func installRuntimeFunctions() {
        if let cell = clock.makeTypedArray(in: global) {
            Properties.set(global, host, "clock", cell, attributes: JSPropertyAttributes(kJSPropertyAttributeDontEnum))
        }
        installBodyFunctions()
        // Safety (unowned(unsafe)): these functions only run while JS runs, on an open context its isolate keeps alive.
        defineFunction(on: host, "settle") { [unowned(unsafe) self] context, _, arguments in
            let id = Int(JSValueToNumber(context, arguments[0], nil))
            settle(id: id, fulfilled: JSValueToBoolean(context, arguments[1]), value: arguments[2])
            return nil
        }
        defineFunction(on: host, "respond") { [unowned(unsafe) self] context, _, arguments in
            let id = Int(JSValueToNumber(context, arguments[0], nil))
            respond(id: id, status: arguments[1], statusText: arguments[2], headers: arguments[3], body: arguments[4])
            return nil
        }
        defineFunction(on: host, "log") { [unowned self] context, _, arguments in
            let level = Properties.string(context, arguments[0])
            let text = Properties.string(context, arguments[1])
            log(level: level, text)
            return nil
        }
        defineFunction(on: host, "timerStart") { [unowned self] context, _, arguments in
            let id = Int(JSValueToNumber(context, arguments[0], nil))
            let delay = JSValueToNumber(context, arguments[1], nil)
            startTimer(id: id, milliseconds: delay.isFinite ? max(0, delay) : 0)
            return nil
        }
        defineFunction(on: host, "timerCancel") { [unowned self] context, _, arguments in
            let id = Int(JSValueToNumber(context, arguments[0], nil))
            timers.cancel(id: id)
            return nil
        }
        defineFunction(on: host, "scheduleRejectionReport") { [unowned self] _, _, _ in
            let bound = IsolateBound(self, executor: executor)
            executor.execute {
                let context = bound.value
                guard !context.isClosed else { return }
                do { _ = try context.callInternal("reportRejections", []) } catch {
                    context.logger.error("Could not report unhandled rejections: \(error)")
                }
            }
            return nil
        }
        defineFunction(on: host, "randomFill") { context, _, arguments in
            let target = arguments[0]
            guard let object = JSValueToObject(context, target, nil) else { return nil }
            let length = JSObjectGetTypedArrayByteLength(context, object, nil)
            if length > 0, let pointer = JSObjectGetTypedArrayBytesPtr(context, object, nil) {
                var generator = SystemRandomNumberGenerator()
                let bytes = pointer.bindMemory(to: UInt8.self, capacity: length)
                for index in 0..<length { bytes[index] = generator.next() }
            }
            return target
        }
        installCryptoFunctions()
        installCompressionFunctions()
    }

    /// Writes one `console` line to the isolate's logger.
    func log(level: String, _ text: String) {
        let swiftLevel: Logger.Level =
            switch level {
            case "debug": .debug
            case "trace": .trace
            case "warn": .warning
            case "error": .error
            default: .info
            }
        logger.log(level: swiftLevel, "\(text)", metadata: ["console.level": .string(level)])
    }

    /// Arms timer `id`: `milliseconds` after the current entry into JavaScript began (the frozen time, see
    /// ``FrozenClock/entered``), the prelude's `fireTimer(id)` runs on this thread.
    func startTimer(id: Int, milliseconds: Double) {
        let bound = IsolateBound(self, executor: executor)
        let nanoseconds = Int64(min(milliseconds, 1e12) * 1_000_000)
        let deadline = clock.entered + .nanoseconds(nanoseconds)
        let wake: Task<Void, Never>? =
            nanoseconds == 0
            ? nil
            : Task {
                do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
                bound.execute { context in context.fireDueTimers() }
            }
        timers.arm(id: id, deadline: deadline, wake: wake)
        if wake == nil { executor.execute { bound.value.fireDueTimers() } }
    }

    /// Fires every timer whose deadline has passed, earliest first (ties in the order they were set), whichever
    /// timer's wake-up task got here first: tasks do not wake in a guaranteed order.
    private func fireDueTimers() {
        guard !isClosed else { return }
        for id in timers.takeDue(now: .now) {
            guard !isClosed else { return }
            do {
                _ = try callInternal("fireTimer", [JSValueMakeNumber(global, Double(id))])
            } catch {
                logger.error("Uncaught \(error.stack.isEmpty ? error.description : error.stack)")
            }
        }
    }
}
