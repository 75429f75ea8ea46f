import HTTPTypes
import KindlingHTTP
public import Logging

/// A log handler that takes the HTTP request log's lines as bytes, written straight into its own output.
///
/// Kindling logs one line per HTTP request, `GET /path 200 OK (1.3 ms)`, at `info`. Through swift-log each
/// line is a `LogEvent`, a message string and whatever string the handler makes of it: under `wrk` about a
/// microsecond of server CPU per request, 4 % of a hello-world request. A handler that conforms to this
/// protocol (``Kindling`` asks once, when the server starts) is handed the line's bytes instead; any other
/// handler gets the ordinary `info` event with the same text. `kindling dev`'s console is such a handler.
public protocol RequestLogHandler: LogHandler {
    /// Logs one request line: call `appendLine` once, with the buffer the line should go into (it appends the
    /// line's bytes, without a newline), while the buffer is yours to write.
    func logRequestLine(_ appendLine: (inout [UInt8]) -> Void)
}

/// One line of the request log: `GET /path 200 OK (1.3 ms)`, or `(no response)` in place of the status.
struct RequestLogLine {
    var method: String
    var path: String
    var status: HTTPResponse.Status?
    var duration: Duration

    /// Appends the line's UTF-8 bytes, without a newline.
    ///
    /// The line is put together on the stack and appended in one copy: appended piece by piece, every byte checked
    /// the array's uniqueness and capacity, with the log writer's lock held.
    func append(to bytes: inout [UInt8]) {
        let reason = status?.reasonPhrase ?? "(no response)"
        let capacity = method.utf8.count + path.utf8.count + reason.utf8.count + 48
        withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 1) { buffer in
            var line = ByteWriter(buffer)
            line.append(method)
            line.append(" ")
            line.append(path)
            line.append(" ")
            if let status {
                line.appendDecimal(status.code)
                line.append(" ")
            }
            line.append(reason)
            // Tenths of a millisecond in integers: Foundation's String(format:) cost more than the rest of the line.
            let (seconds, attoseconds) = duration.components
            let tenths = max(0, Int((Double(attoseconds) / 1e14 + Double(seconds) * 10_000).rounded()))
            line.append(" (")
            line.appendDecimal(tenths / 10)
            line.append(".")
            line.appendDecimal(tenths % 10)
            line.append(" ms)")
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<line.count]))
        }
    }

    /// The line as text, for handlers that take swift-log events.
    var text: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(method.utf8.count + path.utf8.count + 32)
        append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
