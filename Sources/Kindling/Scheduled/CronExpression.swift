/// A cron trigger as wrangler.toml's `triggers.crons` gives it: five fields (minute, hour,
/// day of month, month, day of week), each `*`, a number, a name (`JAN`, `MON`), a range
/// `a-b`, a step `*/n` or `a-b/n`, or a comma list of these. Times are UTC, as on the platform.
/// When both day fields are restricted, a day matches either (classic cron).
struct CronExpression: Sendable, Hashable {
    let text: String
    private let minutes: Set<Int>
    private let hours: Set<Int>
    private let daysOfMonth: Set<Int>
    private let months: Set<Int>
    private let daysOfWeek: Set<Int>
    private let dayOfMonthRestricted: Bool
    private let dayOfWeekRestricted: Bool

    /// - Throws: ``KindlingError`` `.invalidOptions` naming the expression and the bad field.
    init(_ text: String) throws(KindlingError) {
        self.text = text
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw Self.invalid(text, "it needs 5 fields (minute hour day-of-month month day-of-week), it has \(fields.count)")
        }
        minutes = try Self.field(fields[0], "minute", 0...59, names: [:], text)
        hours = try Self.field(fields[1], "hour", 0...23, names: [:], text)
        daysOfMonth = try Self.field(fields[2], "day of month", 1...31, names: [:], text)
        months = try Self.field(fields[3], "month", 1...12, names: Self.monthNames, text)
        // 7 is Sunday too.
        let weekdays = try Self.field(fields[4], "day of week", 0...7, names: Self.dayNames, text)
        daysOfWeek = Set(weekdays.map { $0 % 7 })
        dayOfMonthRestricted = fields[2] != "*" && fields[2] != "?"
        dayOfWeekRestricted = fields[4] != "*" && fields[4] != "?"
    }

    /// Whether the trigger fires in the minute that `time` (UTC) falls in.
    func matches(_ time: UTCTime) -> Bool {
        guard minutes.contains(time.minute), hours.contains(time.hour), months.contains(time.month) else { return false }
        let dayOfMonth = daysOfMonth.contains(time.day)
        let dayOfWeek = daysOfWeek.contains(time.weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dayOfMonth || dayOfWeek }
        return dayOfMonth && dayOfWeek
    }

    private static let monthNames = [
        "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
        "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
    ]
    private static let dayNames = ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]

    private static func field(
        _ field: String, _ name: String, _ range: ClosedRange<Int>, names: [String: Int], _ text: String
    ) throws(KindlingError) -> Set<Int> {
        var values: Set<Int> = []
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            var rangePart = Substring(part)
            var step = 1
            if let slash = part.firstIndex(of: "/") {
                guard let parsed = Int(part[part.index(after: slash)...]), parsed > 0 else {
                    throw invalid(text, "the \(name) step in \"\(part)\" must be a positive number")
                }
                step = parsed
                rangePart = part[..<slash]
            }
            let bounds: ClosedRange<Int>
            if rangePart == "*" || rangePart == "?" {
                bounds = range
            } else if let dash = rangePart.firstIndex(of: "-") {
                let low = try value(rangePart[..<dash], name, range, names, text)
                let high = try value(rangePart[rangePart.index(after: dash)...], name, range, names, text)
                guard low <= high else { throw invalid(text, "the \(name) range \"\(rangePart)\" runs backwards") }
                bounds = low...high
            } else {
                let single = try value(rangePart, name, range, names, text)
                // `5/15` means from 5 to the end in steps of 15.
                bounds = part.contains("/") ? single...range.upperBound : single...single
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values
    }

    private static func value(
        _ text: Substring, _ name: String, _ range: ClosedRange<Int>, _ names: [String: Int], _ expression: String
    ) throws(KindlingError) -> Int {
        if let number = Int(text), range.contains(number) { return number }
        if let named = names[text.uppercased()] { return named }
        throw invalid(expression, "\"\(text)\" is not a valid \(name) (\(range.lowerBound)-\(range.upperBound))")
    }

    private static func invalid(_ text: String, _ reason: String) -> KindlingError {
        KindlingError(code: .invalidOptions, message: "Invalid cron expression \"\(text)\": \(reason).")
    }
}

/// The calendar fields of a minute, in UTC.
struct UTCTime: Sendable, Hashable {
    var minute: Int
    var hour: Int
    var day: Int
    var month: Int
    /// 0 is Sunday.
    var weekday: Int

    /// The UTC fields of `secondsSinceEpoch` (civil-from-days, so no Calendar or time zone data).
    init(secondsSinceEpoch: Int64) {
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        let secondsOfDay = Int(secondsSinceEpoch - days * 86_400)
        minute = secondsOfDay / 60 % 60
        hour = secondsOfDay / 3600
        weekday = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4).
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthPrime + 2) / 5 + 1)
        month = Int(monthPrime < 10 ? monthPrime + 3 : monthPrime - 9)
    }
}
