extension KindlingOptions {
    /// Every worker's cron triggers, parsed.
    /// - Throws: ``KindlingError`` `.invalidOptions` naming the worker and the bad expression.
    func cronTriggers() throws(KindlingError) -> [(worker: String, cron: CronExpression)] {
        var triggers: [(worker: String, cron: CronExpression)] = []
        for worker in workers {
            for cron in worker.crons {
                do {
                    triggers.append((worker.name, try CronExpression(cron)))
                } catch {
                    throw KindlingError(code: .invalidOptions, message: "Worker \"\(worker.name)\": \(error.message)")
                }
            }
        }
        return triggers
    }

    /// Checks what must hold before anything starts or anything is written: at least one worker,
    /// unique names, code for each, service bindings that name existing workers, valid routes.
    /// - Returns: the route table the options describe.
    /// - Throws: ``KindlingError`` `.invalidOptions` or `.invalidRoute`, naming the worker and binding.
    func validated() throws(KindlingError) -> RouteTable {
        guard let primary = workers.first else {
            throw KindlingError(code: .invalidOptions, message: "No workers: give at least one WorkerOptions.")
        }
        var names: Set<String> = []
        for worker in workers {
            guard !worker.name.isEmpty else {
                throw KindlingError(code: .invalidOptions, message: "A worker has an empty name; every worker needs one.")
            }
            guard names.insert(worker.name).inserted else {
                throw KindlingError(
                    code: .invalidOptions,
                    message: "Two workers are named \"\(worker.name)\"; worker names must be unique."
                )
            }
            if worker.script == nil && worker.scriptPath == nil {
                throw KindlingError(
                    code: .invalidOptions,
                    message: "Worker \"\(worker.name)\" has no code: give script or scriptPath (wrangler.toml's main)."
                )
            }
        }
        let known = workers.map { "\"\($0.name)\"" }.joined(separator: ", ")
        for worker in workers {
            for (binding, target) in worker.serviceBindings.sorted(by: { $0.key < $1.key }) {
                let targetName: String
                switch target {
                case .worker(let name): targetName = name
                case .entrypoint(let name, _): targetName = name
                case .handler: continue
                }
                guard names.contains(targetName) else {
                    throw KindlingError(
                        code: .invalidOptions,
                        message: "Worker \"\(worker.name)\" binds service \(binding) to \"\(targetName)\", "
                            + "but no worker has that name (workers: \(known))."
                    )
                }
            }
        }
        _ = try cronTriggers()
        return try RouteTable(routes: workers.map { ($0.name, $0.routes) }, primary: primary.name)
    }
}
