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
        [UInt8](unsafeUninitializedCapacity: JSStringGetMaximumUTF8CStringSize(ref)) { buffer, count in
            count = copyUTF8(ref, into: buffer)
        }
    }

    /// Reads a `JSStringRef` into a Swift string (NUL characters included).
    static func string(_ ref: JSStringRef) -> String {
        withUTF8(ref) { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs `body` with the UTF-8 bytes of `ref` (NUL characters included) in a temporary buffer.
    static func withUTF8<T>(_ ref: JSStringRef, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: JSStringGetMaximumUTF8CStringSize(ref)) { buffer in
            body(UnsafeBufferPointer(rebasing: buffer[..<copyUTF8(ref, into: buffer)]))
        }
    }

    /// Writes the UTF-8 of `ref` into `buffer` (at least `JSStringGetMaximumUTF8CStringSize` bytes); returns how
    /// many bytes it is, the terminating NUL that JavaScriptCore adds not counted.
    private static func copyUTF8(_ ref: JSStringRef, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        let written = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
            JSStringGetUTF8CString(ref, $0, buffer.count)
        }
        return max(written - 1, 0)
    }
}
