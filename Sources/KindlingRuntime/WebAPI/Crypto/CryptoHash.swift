import Crypto
import Foundation
import _CryptoExtras

/// The hash functions `crypto.subtle` names, and the hash-based primitives over them (digest, HMAC, PBKDF2, HKDF).
///
/// Every primitive is swift-crypto's (BoringSSL underneath); this type only picks the function by its Web Crypto
/// name. MD5 is here because Workers accepts it for `digest` (and so for HMAC), unlike the Web Crypto spec.
enum CryptoHash: String, CaseIterable {
    case sha1 = "SHA-1"
    case sha256 = "SHA-256"
    case sha384 = "SHA-384"
    case sha512 = "SHA-512"
    case md5 = "MD5"

    /// The hash for a normalised Web Crypto name; the JS half matches names case-insensitively before this.
    init(name: String) throws(ScriptError) {
        guard let hash = CryptoHash(rawValue: name) else {
            throw CryptoErrors.notSupported("Unrecognized or unimplemented digest algorithm requested.")
        }
        self = hash
    }

    /// Runs `body` with the swift-crypto type of this hash.
    func with<Result>(_ body: (any HashFunction.Type) throws -> Result) rethrows -> Result {
        switch self {
        case .sha1: try body(Insecure.SHA1.self)
        case .sha256: try body(SHA256.self)
        case .sha384: try body(SHA384.self)
        case .sha512: try body(SHA512.self)
        case .md5: try body(Insecure.MD5.self)
        }
    }

    func digest(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        with { hash in Self.digest(hash, data) }
    }

    private static func digest<H: HashFunction>(_: H.Type, _ data: UnsafeRawBufferPointer) -> [UInt8] {
        Array(H.hash(data: data))
    }

    /// The digest of `data` as swift-crypto's digest value, for the signature APIs that take one.
    func digestValue(_ data: UnsafeRawBufferPointer) -> any Digest {
        with { hash in Self.digestValue(hash, data) }
    }

    private static func digestValue<H: HashFunction>(_: H.Type, _ data: UnsafeRawBufferPointer) -> any Digest {
        H.hash(data: data)
    }

    func hmac(key: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) -> [UInt8] {
        with { hash in Self.hmac(hash, key: key, data: data) }
    }

    private static func hmac<H: HashFunction>(_: H.Type, key: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer)
        -> [UInt8]
    {
        Array(HMAC<H>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// HKDF (RFC 5869) of `length` bytes; the caller checked `length` against 255 × the digest length.
    func hkdf(key: UnsafeRawBufferPointer, salt: UnsafeRawBufferPointer, info: UnsafeRawBufferPointer, length: Int)
        -> [UInt8]
    {
        with { hash in Self.hkdf(hash, key: key, salt: salt, info: info, length: length) }
    }

    private static func hkdf<H: HashFunction>(
        _: H.Type, key: UnsafeRawBufferPointer, salt: UnsafeRawBufferPointer, info: UnsafeRawBufferPointer,
        length: Int
    ) -> [UInt8] {
        let derived = HKDF<H>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: key), salt: salt, info: info, outputByteCount: length)
        return derived.withUnsafeBytes { Array($0) }
    }

    /// PBKDF2 (RFC 8018) of `length` bytes. swift-crypto's checked variant refuses low round counts that Web Crypto
    /// allows (and the RFC vectors use), so the unchecked one is called; the JS half enforces Workers' limits.
    func pbkdf2(password: UnsafeRawBufferPointer, salt: UnsafeRawBufferPointer, iterations: Int, length: Int) throws
        -> [UInt8]
    {
        let function: KDF.Insecure.PBKDF2.HashFunction =
            switch self {
            case .sha1: .insecureSHA1
            case .sha256: .sha256
            case .sha384: .sha384
            case .sha512: .sha512
            case .md5: .insecureMD5
            }
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: password, salt: salt, using: function, outputByteCount: length, unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Array($0) }
    }
}

/// A hash fed piece by piece: the Swift half of `crypto.DigestStream` (`1d5-crypto-digest.js`), one per stream, held
/// by its JS handle (``NativeHandles``).
final class IncrementalHash {
    private var hasher: any HashFunction

    init(_ hash: CryptoHash) {
        hasher = hash.with { type in type.init() }
    }

    func update(_ data: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: data)
    }

    /// The digest of everything given so far.
    func finish() -> [UInt8] {
        Self.finish(hasher)
    }

    private static func finish<H: HashFunction>(_ hasher: H) -> [UInt8] {
        Array(hasher.finalize())
    }
}
