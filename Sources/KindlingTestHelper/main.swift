// A child process for the tests that need more than one process on one persistence root:
// concurrent writers, and a writer killed with SIGKILL mid-stream. Not shipped in the product.
//
//   KindlingTestHelper put-many ROOT NAMESPACE PREFIX COUNT
//
// Puts COUNT keys PREFIX0…, each in its own transaction, and prints `done KEY` (flushed) only
// after that key's put has returned, so the parent knows which writes were acknowledged.

import Foundation
import KindlingBindings
import KindlingStorage

let arguments = CommandLine.arguments
guard arguments.count == 6, arguments[1] == "put-many", let count = Int(arguments[5]) else {
    FileHandle.standardError.write(Data("usage: KindlingTestHelper put-many ROOT NAMESPACE PREFIX COUNT\n".utf8))
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
