@testable import Kindling
import KindlingTesting
import Logging
import Testing

/// Cron triggers: the expressions wrangler.toml accepts, matched in UTC, and the scheduler
/// running the right workers' `scheduled` handlers for a given minute.
@Suite("Cron triggers")
struct CronTests {
    /// Seconds since the epoch of a UTC date and time.
    func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> UTCTime {
        // Days from civil (Hinnant), the inverse of UTCTime's conversion, so both directions are checked.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return UTCTime(secondsSinceEpoch: Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60))
    }

    @Test("UTC calendar fields, weekdays included")
    func calendar() {
        let time = at(2026, 11, 23, 13, 45)
        #expect(time == UTCTime(secondsSinceEpoch: 1_795_441_500))
        #expect([time.minute, time.hour, time.day, time.month, time.weekday] == [45, 13, 23, 11, 1])  // a Monday
        #expect(at(2024, 2, 29).weekday == 4)  // leap day, a Thursday
        #expect(UTCTime(secondsSinceEpoch: 0).weekday == 4)
    }

    @Test("fields: *, steps, ranges, lists, names, 7 as Sunday")
    func matching() throws {
        #expect(try CronExpression("* * * * *").matches(at(2026, 1, 1, 0, 0)))
        let everyFive = try CronExpression("*/5 * * * *")
        #expect(everyFive.matches(at(2026, 1, 1, 3, 10)))
        #expect(!everyFive.matches(at(2026, 1, 1, 3, 11)))
        let officeHours = try CronExpression("0 9-17/4 * * MON-FRI")
        #expect(officeHours.matches(at(2026, 11, 23, 13, 0)))
        #expect(!officeHours.matches(at(2026, 11, 23, 11, 0)))
        #expect(!officeHours.matches(at(2026, 11, 22, 13, 0)))  // Sunday
        let sundays = try CronExpression("30 2 * JAN,jul 7")
        #expect(sundays.matches(at(2026, 1, 4, 2, 30)))
        #expect(!sundays.matches(at(2026, 2, 1, 2, 30)))
        // Both day fields restricted: either matches.
        let either = try CronExpression("0 0 1 * MON")
        #expect(either.matches(at(2026, 12, 1)))  // the 1st, a Tuesday
        #expect(either.matches(at(2026, 11, 23)))  // a Monday
        #expect(!either.matches(at(2026, 11, 24)))
    }

    @Test(
        "bad expressions say what is wrong",
        arguments: [
            ("* * * *", "it needs 5 fields (minute hour day-of-month month day-of-week), it has 4"),
            ("60 * * * *", "\"60\" is not a valid minute (0-59)"),
            ("*/0 * * * *", "the minute step in \"*/0\" must be a positive number"),
            ("* * * FOO *", "\"FOO\" is not a valid month (1-12)"),
            ("* 5-2 * * *", "the hour range \"5-2\" runs backwards"),
        ]
    )
    func invalid(text: String, reason: String) {
        #expect(throws: KindlingError(code: .invalidOptions, message: "Invalid cron expression \"\(text)\": \(reason).")) {
            try CronExpression(text)
        }
    }

    @Test("a worker with a bad cron is refused at start-up, naming it")
    func invalidOption() async {
        await #expect(throws: KindlingError(code: .invalidOptions, message: "Worker \"w\": Invalid cron expression \"* *\": it needs 5 fields (minute hour day-of-month month day-of-week), it has 2.")) {
            _ = try await Kindling(KindlingOptions(workers: [WorkerOptions(name: "w", script: "export default {}", modules: true, crons: ["* *"])]))
        }
    }

    @Test("each minute runs the scheduled handlers whose triggers match, with cron and scheduledTime")
    func scheduler() async throws {
        let script = """
            export default {
              async fetch(request, env) {
                return new Response((await env.KV.list()).keys.map((key) => key.name).join("|"));
              },
              async scheduled(controller, env) {
                await env.KV.put(controller.cron + "@" + controller.scheduledTime, "ran");
              },
            };
            """
        let kindling = try await Kindling(KindlingOptions(workers: [
            WorkerOptions(name: "a", script: script, modules: true, kvNamespaces: ["KV": "a"], crons: ["*/15 * * * *", "0 13 * * MON"]),
            WorkerOptions(name: "b", script: script, modules: true, kvNamespaces: ["KV": "b"], routes: ["b.test/*"], crons: ["* * * * *"]),
        ]))
        let dispatcher = try #require(kindling.dispatcherForTesting)
        let triggers = try KindlingOptions(workers: [
            WorkerOptions(name: "a", script: "", crons: ["*/15 * * * *", "0 13 * * MON"]),
            WorkerOptions(name: "b", script: "", crons: ["* * * * *"]),
        ]).cronTriggers()
        let scheduler = CronScheduler(triggers: triggers, dispatcher: dispatcher, logger: .init(label: "test"))
        let monday1pm = Int64(1_795_438_800)  // 2026-11-23 13:00 UTC
        await scheduler.fire(atMinute: monday1pm)
        await scheduler.fire(atMinute: monday1pm + 60)
        let ms = monday1pm * 1000
        #expect(try await kindling.dispatchFetch("http://localhost/").text() == "*/15 * * * *@\(ms)|0 13 * * MON@\(ms)")
        #expect(try await kindling.dispatchFetch("http://b.test/").text() == "* * * * *@\(ms)|* * * * *@\(ms + 60_000)")
        await kindling.dispose()
    }
}
