import Foundation

/// Runs `body` with a new empty directory, removed afterwards even when `body` throws.
///
/// ```swift
/// try await withTemporaryDirectory { root in
///     let persistence = try Persistence.open(root: root)
///     …
/// }
/// ```
public func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("kindling-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}
