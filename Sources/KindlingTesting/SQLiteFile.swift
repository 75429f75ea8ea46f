public import Foundation
import KindlingStorage

/// Reads a database file the way a user with `sqlite3` would: its own connection, none of the
/// store's code in between.
public struct SQLiteFile {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The rows of `sql`, each column as text ("NULL" for null).
    public func rows(_ sql: String) throws -> [[String]] {
        let connection = try SQLiteConnection(path: path)
        defer { connection.close() }
        let statement = try connection.prepare(sql)
        var rows: [[String]] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { statement.isNull($0) ? "NULL" : statement.text($0) ?? "" })
        }
        return rows
    }

    /// The file's bytes, to show a file was left unchanged.
    public func contents() -> Data? {
        FileManager.default.contents(atPath: path)
    }
}
