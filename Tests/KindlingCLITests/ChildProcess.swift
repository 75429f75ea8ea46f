import Foundation

/// Runs the package's built executables (`kindling`, `KindlingTestHelper`) and `sqlite3` as
/// child processes, the way a user's shell would.
enum ChildProcess {
    /// The directory holding the test bundle, where SwiftPM also puts the executables.
    static let buildDirectory: URL = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // The test binary may sit inside an `.xctest` bundle folder on some platforms.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS"
            || directory.lastPathComponent == "Contents"
        {
            directory.deleteLastPathComponent()
        }
        return directory
    }()

    static func executable(_ name: String) -> String {
        buildDirectory.appendingPathComponent(name).path
    }

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `path` with `arguments` to completion, with this process's environment plus `environment`.
    static func run(
        _ path: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs `kindling` with `arguments`.
    static func kindling(_ arguments: [String]) throws -> Result {
        try run(executable("kindling"), arguments)
    }

    /// The `sqlite3` shell's output for `sql` on `database`, or `nil` when `sqlite3` is not installed.
    static func sqlite3(_ database: String, _ sql: String) throws -> String? {
        for candidate in ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/opt/homebrew/bin/sqlite3"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return try run(candidate, [database, sql]).text
        }
        return nil
    }
}
