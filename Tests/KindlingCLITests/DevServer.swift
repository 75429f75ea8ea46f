import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `kindling dev` (or `make serve-example`) child process on a free port, for tests over real HTTP.
final class DevServer: @unchecked Sendable {
    let process = Process()
    /// `http://127.0.0.1:PORT`, from the "Ready on" line.
    private(set) var url = ""
    private let output = Pipe()
    private let errors = Pipe()
    /// Everything the process printed, once it has ended.
    private(set) var printed = ""

    /// Starts `executable` with `arguments` and waits for its "Ready on" line.
    init(executable: String, _ arguments: [String], directory: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var seen = Data()
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw DevServerError(message: "exited with \(process.terminationStatus) before it was ready: \(stderr)")
            }
            seen.append(chunk)
            let text = String(decoding: seen, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.contains("Ready on http") }),
                let start = line.range(of: "http://")
            {
                url = String(line[start.lowerBound...].prefix { $0 != " " })
                break
            }
        }
    }

    /// `kindling dev -c FILE… --port 0 …`, from the built executable.
    static func kindling(_ arguments: [String]) throws -> DevServer {
        try DevServer(executable: ChildProcess.executable("kindling"), ["dev", "--port", "0"] + arguments)
    }

    /// Sends `signal` and waits for the process to end; returns what it printed on stderr.
    /// - Parameter children: signal the process's children instead, as Ctrl-C in a terminal
    ///   reaches `make`'s child (make itself waits for it).
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, children: Bool = false) -> String {
        if children {
            let pkill = Process()
            pkill.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
            pkill.arguments = ["-\(signal)", "-P", "\(process.processIdentifier)"]
            try? pkill.run()
            pkill.waitUntilExit()
        } else {
            kill(process.processIdentifier, signal)
        }
        process.waitUntilExit()
        printed = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return printed
    }

    /// GET (or another method) on `path`; the status and body text.
    func request(_ path: String = "/", method: String = "GET", headers: [String: String] = [:], body: Data? = nil)
        async throws -> (status: Int, text: String, headers: [String: String])
    {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)".lowercased()] = "\(value)" }
        return (http.statusCode, String(decoding: data, as: UTF8.self), fields)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

struct DevServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
