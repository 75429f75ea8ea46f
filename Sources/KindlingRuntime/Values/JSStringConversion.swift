import CJavaScriptCore
import Foundation

/// Conversions between Swift strings and `JSStringRef`, using the UTF-8 entry points (the fast path on this build).
enum JSStrings {
    /// Creates a `JSStringRef` the caller must release (`JSStringRelease`).
    static func make(_ string: String) -> JSStringRef {
        var copy = string
        // JSStringCreateWithUTF8CString stops at a NUL, so strings that hold one go through UTF-16.
        let hasNUL = copy.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
            return memchr(base, 0, bytes.count) != nil
        }
        if hasNUL {
            // Header lists joined with NUL: nearly always ASCII, widened byte by byte (the UTF-16 view is slow).
            let ascii = copy.withUTF8 { bytes -> JSStringRef? in
                withUnsafeTemporaryAllocation(of: UInt16.self, capacity: bytes.count) { units -> JSStringRef? in
                    var high: UInt8 = 0
                    for index in bytes.indices {
                        high |= bytes[index]
                        units[index] = UInt16(bytes[index])
                    }
                    return high < 0x80 ? JSStringCreateWithCharacters(units.baseAddress, bytes.count) : nil
                }
            }
            if let ascii { return ascii }
            let units = Array(string.utf16)
            return units.withUnsafeBufferPointer { JSStringCreateWithCharacters($0.baseAddress, $0.count) }
        }
        return string.withCString { JSStringCreateWithUTF8CString($0) }
    }

    /// Runs `body` with a temporary `JSStringRef` for `string`.
    static func with<T>(_ string: String, _ body: (JSStringRef) throws -> T) rethrows -> T {
        let ref = make(string)
        defer { JSStringRelease(ref) }
        return try body(ref)
    }

    /// The UTF-8 bytes of `ref` (NUL characters included), written straight into the array (no `String` in
    /// between).
    static func utf8Bytes(_ ref: JSStringRef) -> [UInt8] {
        let capacity = JSStringGetMaximumUTF8CStringSize(ref)
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            let written = buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: capacity) { JSStringGetUTF8CString(ref, $0, capacity) }
            } ?? 0
            // `written` counts the terminating NUL, which is not part of the bytes.
            count = max(written - 1, 0)
        }
    }

    /// Reads a `JSStringRef` into a Swift string (NUL characters included).
    static func string(_ ref: JSStringRef) -> String {
        withUTF8(ref) { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs `body` with the UTF-8 bytes of `ref` (NUL characters included) in a temporary buffer.
    static func withUTF8<T>(_ ref: JSStringRef, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let capacity = JSStringGetMaximumUTF8CStringSize(ref)
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            let written = JSStringGetUTF8CString(ref, buffer.baseAddress, capacity)
            guard written > 1, let base = buffer.baseAddress else {
                return body(UnsafeBufferPointer(start: nil, count: 0))
            }
            // `written` counts the terminating NUL, which is not part of the bytes.
            return base.withMemoryRebound(to: UInt8.self, capacity: written - 1) {
                body(UnsafeBufferPointer(start: $0, count: written - 1))
            }
        }
    }
}
