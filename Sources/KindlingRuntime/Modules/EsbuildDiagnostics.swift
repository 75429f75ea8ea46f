import Foundation

/// Reads esbuild's error report into a ``RuntimeError``.
///
/// esbuild (with `--color=false`) prints each error as `✘ [ERROR] message`, then, when it has one, an indented
/// `file:line:column:` line whose column is 0-based.
enum EsbuildDiagnostics {
    static func error(_ report: String, entry: String) -> RuntimeError {
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.contains("[ERROR] ") }),
            let messageStart = lines[start].range(of: "[ERROR] ")
        else {
            let text = report.trimmingCharacters(in: .whitespacesAndNewlines)
            return RuntimeError(
                code: .bundleFailed, message: text.isEmpty ? "esbuild failed without a message" : text, file: entry)
        }
        let message = String(lines[start][messageStart.upperBound...])
        var error = RuntimeError(code: .bundleFailed, message: message, file: entry)
        for line in lines[(start + 1)...].prefix(4) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasSuffix(":"), !trimmed.hasPrefix("✘") else { continue }
            let parts = trimmed.dropLast().split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 3, let lineNumber = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1])
            else { continue }
            error.file = parts.dropLast(2).joined(separator: ":")
            error.line = lineNumber
            error.column = column + 1
            break
        }
        return error
    }
}
