@testable import Kindling
import Testing

/// Options that cannot make a working instance are refused before anything starts.
@Suite("Options validation")
struct OptionsValidationTests {
    let hello = "export default { fetch() { return new Response('hi') } }"

    func message(_ workers: [WorkerOptions]) -> String? {
        do {
            _ = try KindlingOptions(workers: workers).validated()
            return nil
        } catch {
            return error.message
        }
    }

    @Test("no workers, an empty name, a duplicate name, a worker without code")
    func workers() {
        #expect(message([]) == "No workers: give at least one WorkerOptions.")
        #expect(message([WorkerOptions(name: "", script: hello)]) == "A worker has an empty name; every worker needs one.")
        #expect(
            message([WorkerOptions(name: "a", script: hello), WorkerOptions(name: "a", script: hello)])
                == "Two workers are named \"a\"; worker names must be unique.")
        #expect(
            message([WorkerOptions(name: "a")])
                == "Worker \"a\" has no code: give script or scriptPath (wrangler.toml's main).")
    }

    @Test("a service binding to a worker that does not exist names both")
    func unknownService() {
        let workers = [
            WorkerOptions(name: "worker", script: hello, serviceBindings: ["INCREMENTER": .worker("incrementr")]),
            WorkerOptions(name: "incrementer", script: hello),
        ]
        #expect(
            message(workers)
                == "Worker \"worker\" binds service INCREMENTER to \"incrementr\", but no worker has that name "
                + "(workers: \"worker\", \"incrementer\").")
        let entrypoint = [WorkerOptions(name: "a", script: hello, serviceBindings: ["S": .entrypoint(worker: "b", entrypoint: "E")])]
        #expect(message(entrypoint)?.hasPrefix("Worker \"a\" binds service S to \"b\"") == true)
    }

    @Test("valid options give a route table whose primary is the first worker")
    func valid() throws {
        let routes = try KindlingOptions(workers: [
            WorkerOptions(name: "first", script: hello, serviceBindings: ["CUSTOM": .handler { _ in WorkerResponse("x") }]),
            WorkerOptions(name: "api", script: hello, routes: ["example.com/api/*"]),
        ]).validated()
        #expect(routes.worker(for: "http://example.com/api/users") == "api")
        #expect(routes.worker(for: "http://example.com/") == "first")
    }

    @Test("a bad route is refused with the worker's name")
    func badRoute() {
        #expect(
            message([WorkerOptions(name: "a", script: hello, routes: ["example.com/*.jpg"])])
                == #"Route "example.com/*.jpg" for "a" contains an infix wildcard. This is not allowed."#)
    }

    @Test("a binding to an entrypoint the target does not export is refused at start-up")
    func missingEntrypoint() async {
        let workers = [
            WorkerOptions(name: "a", script: hello, modules: true, serviceBindings: ["S": .entrypoint(worker: "b", entrypoint: "Admin")]),
            WorkerOptions(name: "b", script: "export class Other {}; " + hello, modules: true),
        ]
        await #expect(throws: KindlingError(
            code: .invalidOptions,
            message: #"Worker "a"'s binding "S" refers to a service "b" with a named entrypoint "Admin", but "b" has no such named entrypoint."#
        )) {
            _ = try await Kindling(KindlingOptions(workers: workers))
        }
    }
}
