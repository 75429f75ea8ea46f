import Foundation

/// This process's resident memory in bytes (Linux: `/proc/self/statm`; 0 where it cannot be read), for tests
/// that check a large body streams through without being held.
///
/// ```swift
/// let before = residentMemoryBytes()
/// // … stream 128 MiB …
/// #expect(residentMemoryBytes() - before < 64 << 20)
/// ```
public func residentMemoryBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}
