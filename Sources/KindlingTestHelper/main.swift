// A child process for the tests that need one of their own: more than one process on one
// persistence root (concurrent writers, a writer killed with SIGKILL mid-stream), or JavaScriptCore
// options, which are read from the environment once per process. Not shipped in the product.
//
//   KindlingTestHelper put-many ROOT NAMESPACE PREFIX COUNT
//
// Puts COUNT keys PREFIX0…, each in its own transaction, and prints `done KEY` (flushed) only
// after that key's put has returned, so the parent knows which writes were acknowledged.
//
//   KindlingTestHelper service-calls COUNT
//
// Sends COUNT requests to a worker that calls another through a service binding (see
// ServiceCalls.swift) and prints `ok COUNT` when every answer was right.

import Foundation
import KindlingBindings
import KindlingStorage

let arguments = CommandLine.arguments
if arguments.count == 3, arguments[1] == "service-calls", let count = Int(arguments[2]) {
    do {
        try await ServiceCalls.run(count: count)
        print("ok \(count)")
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("KindlingTestHelper: \(error)\n".utf8))
        exit(1)
    }
}
guard arguments.count == 6, arguments[1] == "put-many", let count = Int(arguments[5]) else {
    FileHandle.standardError.write(
        Data("usage: KindlingTestHelper put-many ROOT NAMESPACE PREFIX COUNT | service-calls COUNT\n".utf8))
    exit(64)
}
do {
    let persistence = try Persistence.open(root: arguments[2])
    let namespace = try KVService(persistence: persistence).namespace(arguments[3])
    for index in 0..<count {
        let key = "\(arguments[4])\(index)"
        try namespace.put(key, "value of \(key)")
        // An unbuffered write: once the parent reads the line, the put has committed.
        FileHandle.standardOutput.write(Data("done \(key)\n".utf8))
    }
    persistence.shutdown()
} catch {
    FileHandle.standardError.write(Data("KindlingTestHelper: \(error)\n".utf8))
    exit(1)
}
