import ArgumentParser
import Foundation
import KindlingBindings
import KindlingStorage

/// Options every command that touches stored state takes.
struct PersistenceOptions: ParsableArguments {
    @Option(
        name: .customLong("persist-to"),
        help: ArgumentHelp("The persistence directory, holding kindling.sqlite.", valueName: "dir")
    )
    var persistTo: String = ".kindling"

    /// Opens the root for a command that writes (creating it when missing).
    func openForWriting() throws -> Persistence {
        try Persistence.open(root: persistTo)
    }

    /// Opens the root for a command that only reads; a missing root is an error rather than
    /// an empty directory left behind by a typo.
    func openForReading() throws -> Persistence {
        let database = URL(fileURLWithPath: persistTo).appendingPathComponent(Persistence.databaseFileName).path
        guard FileManager.default.fileExists(atPath: database) else {
            throw CLIError(
                "No Kindling state at \(persistTo) (no \(Persistence.databaseFileName) there). "
                    + "Pass the directory given to kindling dev --persist-to, or write a key first with kindling kv key put."
            )
        }
        return try Persistence.open(root: persistTo)
    }
}

/// A user-facing CLI failure: printed as one line, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
