/// A JavaScript value copied out of (or into) an isolate, so it can cross threads.
///
/// Host functions receive their arguments and give their results as `HostValue`s. Objects are copied by their own
/// enumerable string-keyed properties; `ArrayBuffer`s and typed arrays become ``bytes(_:)`` (and come back as a
/// `Uint8Array`); functions, symbols and other exotic values become ``undefined``.
public enum HostValue: Sendable, Hashable {
    /// `undefined` (also what functions, symbols and other exotic values become).
    case undefined
    /// `null`.
    case null
    /// A boolean.
    case bool(Bool)
    /// A number (JS numbers are doubles).
    case number(Double)
    /// A string.
    case string(String)
    /// Binary data: an `ArrayBuffer` or a view's bytes coming out, a `Uint8Array` going in.
    case bytes([UInt8])
    /// A body stream: the stream handle the prelude makes of a `ReadableStream` coming out (a service binding's
    /// streamed request body), a `ReadableStream` pulling from it going in.
    case stream(BodyStream)
    /// An array.
    case array([HostValue])
    /// A plain object's own enumerable string-keyed properties (undefined members dropped).
    case object([String: HostValue])

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number, if this is a number.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The bytes, if this is binary data.
    public var bytesValue: [UInt8]? {
        if case .bytes(let value) = self { return value }
        return nil
    }

    /// The property `key`, if this is an object that has it.
    public subscript(key: String) -> HostValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

extension HostValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: HostValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, HostValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
