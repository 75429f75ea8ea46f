import KindlingRuntime

extension KindlingError {
    /// A worker that could not start: its script failed to bundle or load, or a binding failed.
    static func workerFailed(_ worker: String, _ error: any Error) -> KindlingError {
        if let error = error as? KindlingError { return error }
        let detail: String
        switch error {
        case let error as ScriptError: detail = error.description
        case let error as RuntimeError: detail = error.description
        default: detail = "\(error)"
        }
        return KindlingError(code: .workerFailed, message: "Worker \"\(worker)\" failed to start: \(detail)")
    }
}
