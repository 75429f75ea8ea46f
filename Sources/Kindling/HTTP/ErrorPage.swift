import HTTPTypes
import KindlingRuntime

/// The 500 answer for an uncaught worker error: the message and the stack (which names the
/// user's files and lines), as an HTML page for browsers and as plain text otherwise.
struct ErrorPage {
    let response: HTTPResponse
    let body: String

    init(error: any Error, request: HTTPRequest) {
        let accept = request.headerFields[.accept] ?? ""
        let (title, stack) = Self.parts(error)
        var response = HTTPResponse(status: .internalServerError)
        if accept.contains("text/html") {
            response.headerFields[.contentType] = "text/html;charset=UTF-8"
            body = """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
                <style>body{font-family:system-ui,sans-serif;margin:2rem}pre{background:#f6f6f6;padding:1rem;overflow:auto}</style>
                </head><body><h1>\(Self.escape(title))</h1>
                <p>\(Self.escape(request.method.rawValue)) \(Self.escape(request.path ?? "/"))</p>
                <pre>\(Self.escape(stack))</pre></body></html>

                """
        } else {
            response.headerFields[.contentType] = "text/plain;charset=UTF-8"
            body = stack.isEmpty ? title + "\n" : stack + "\n"
        }
        self.response = response
    }

    /// One line for the log.
    static func summary(_ error: any Error) -> String {
        parts(error).title
    }

    private static func parts(_ error: any Error) -> (title: String, stack: String) {
        switch error {
        case let error as ScriptError:
            let title = error.message.isEmpty ? error.name : "\(error.name): \(error.message)"
            return (title, error.stack.isEmpty ? title : error.stack)
        case let error as KindlingError:
            return (error.message, error.message)
        default:
            return ("\(error)", "\(error)")
        }
    }

    private static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
