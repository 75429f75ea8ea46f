/// Bytes copied into a buffer sized for them beforehand: a response head serialized into a `ByteBuffer`'s spare
/// room, Kindling's request log line on the stack. One capacity check up front instead of one a piece.
package struct ByteWriter {
    let base: UnsafeMutableRawBufferPointer
    /// How many bytes have been written.
    package private(set) var count = 0

    package init(_ base: UnsafeMutableRawBufferPointer) {
        self.base = base
    }

    /// Appends `text`'s UTF-8, copied in one go when the string is contiguous (a native Swift string is).
    package mutating func append(_ text: String) {
        let copied = text.utf8.withContiguousStorageIfAvailable { utf8 -> Int in
            UnsafeMutableRawBufferPointer(rebasing: self.base[self.count...]).copyMemory(from: UnsafeRawBufferPointer(utf8))
            return utf8.count
        }
        if let copied {
            self.count += copied
        } else {
            for byte in text.utf8 {
                self.base[self.count] = byte
                self.count += 1
            }
        }
    }

    /// Appends the decimal digits of `value` (not negative).
    package mutating func appendDecimal(_ value: Int) {
        if value >= 10 { self.appendDecimal(value / 10) }
        self.base[self.count] = UInt8(ascii: "0") + UInt8(value % 10)
        self.count += 1
    }
}
