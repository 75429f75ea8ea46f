/// An error from the store: SQLite failed, a database file is from a newer Kindling, or a
/// persistence root cannot be used.
///
/// The ``message`` says what went wrong and how to fix it. SQL text is kept for context but
/// bound values never are: they may be a user's data.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; don't `switch` exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable {
            case sqlite
            case newerDatabase
            case unusableRoot
            case corruptDatabase
        }
        let value: Value

        /// SQLite returned an error; ``StorageError/resultCode`` has its code.
        public static let sqlite = Code(value: .sqlite)
        /// The database was written by a newer Kindling (it holds a migration this build does not know).
        public static let newerDatabase = Code(value: .newerDatabase)
        /// The persistence root is not a directory, or cannot be created or written.
        public static let unusableRoot = Code(value: .unusableRoot)
        /// The file is not a SQLite database, or is damaged.
        public static let corruptDatabase = Code(value: .corruptDatabase)

        public var description: String { "\(value)" }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong and how to fix it.
    public var message: String
    /// SQLite's (extended) result code, when SQLite reported the error.
    public var resultCode: Int32?
    /// The SQL being run, when there was one.
    public var sql: String?
    /// The database file, when known.
    public var path: String?

    /// Creates an error.
    /// Whether SQLite reported the database busy or locked (result codes 5 and 6, any extended form).
    public var isBusy: Bool {
        guard let resultCode else { return false }
        return resultCode & 0xFF == 5 || resultCode & 0xFF == 6
    }

    public init(code: Code, message: String, resultCode: Int32? = nil, sql: String? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.resultCode = resultCode
        self.sql = sql
        self.path = path
    }

    /// One line: the message, then the file.
    public var description: String {
        var text = message
        if let path { text += " (database: \(path))" }
        return text
    }

    /// The message with every piece of context on its own line.
    public var detailedDescription: String {
        var lines = ["StorageError.\(code): \(message)"]
        if let resultCode { lines.append("├─ SQLite result code: \(resultCode)") }
        if let sql { lines.append("├─ SQL: \(sql)") }
        if let path { lines.append("└─ database: \(path)") }
        return lines.joined(separator: "\n")
    }
}
