import Crypto
import Foundation

/// ECDSA and ECDH over the NIST curves and Ed25519, for `crypto.subtle`, over swift-crypto.
///
/// Keys cross to JS as bytes and come back on each call: an EC private key as its raw scalar, an EC public key in
/// uncompressed X9.63 form (`04 ‖ x ‖ y`), Ed25519 keys as their 32-byte seed and public key. Rebuilding a key per
/// call costs microseconds and keeps no Swift state alive behind a JS object.
enum CryptoCurves {
    /// A curve's swift-crypto types, by its Web Crypto `namedCurve`.
    static func curve(_ name: String) throws(ScriptError) -> any ECDSAPrivateKey.Type {
        switch name {
        case "P-256": P256.Signing.PrivateKey.self
        case "P-384": P384.Signing.PrivateKey.self
        case "P-521": P521.Signing.PrivateKey.self
        default: throw CryptoErrors.notSupported("Unsupported namedCurve \"\(name)\".")
        }
    }

    /// A new key pair: `(private scalar, public X9.63)`.
    static func generate(_ curve: any ECDSAPrivateKey.Type) -> (privateKey: [UInt8], publicKey: [UInt8]) {
        let key = curve.generated()
        return (key.rawBytes, key.publicKeyX963)
    }

    /// Reads a private key from its raw scalar (JWK `d`) or PKCS #8 DER: `(private scalar, public X9.63)`.
    static func importPrivate(_ curve: any ECDSAPrivateKey.Type, raw: [UInt8]?, pkcs8: [UInt8]?) throws(ScriptError)
        -> (privateKey: [UInt8], publicKey: [UInt8])
    {
        do {
            let key = try raw.map { try curve.init(raw: $0) } ?? curve.init(der: pkcs8 ?? [])
            return (key.rawBytes, key.publicKeyX963)
        } catch {
            throw CryptoErrors.data("Invalid EC private key data.")
        }
    }

    /// Reads a public key from X9.63 (compressed or not) or SPKI DER, and gives it back as uncompressed X9.63.
    static func importPublic(_ curve: any ECDSAPrivateKey.Type, x963: [UInt8]?, spki: [UInt8]?) throws(ScriptError)
        -> [UInt8]
    {
        do {
            if let x963 { return try curve.publicX963(fromX963: x963) }
            return try curve.publicX963(fromDER: spki ?? [])
        } catch {
            throw CryptoErrors.data("Invalid EC public key data.")
        }
    }

    static func exportPKCS8(_ curve: any ECDSAPrivateKey.Type, privateKey: [UInt8]) throws(ScriptError) -> [UInt8] {
        do { return try curve.init(raw: privateKey).pkcs8 } catch { throw CryptoErrors.operation("\(error)") }
    }

    static func exportSPKI(_ curve: any ECDSAPrivateKey.Type, publicKey: [UInt8]) throws(ScriptError) -> [UInt8] {
        do { return try curve.spki(fromX963: publicKey) } catch { throw CryptoErrors.operation("\(error)") }
    }

    /// An ECDSA signature in Web Crypto's form, `r ‖ s` (IEEE P1363), not DER.
    static func sign(
        _ curve: any ECDSAPrivateKey.Type, hash: CryptoHash, privateKey: [UInt8], data: UnsafeRawBufferPointer
    ) throws(ScriptError) -> [UInt8] {
        do {
            return try curve.init(raw: privateKey).rawSignature(for: hash.digestValue(data))
        } catch {
            throw CryptoErrors.operation("ECDSA signing failed: \(error).")
        }
    }

    /// Whether `signature` (`r ‖ s`) is valid; a signature of the wrong length is simply invalid, as the spec says.
    static func verify(
        _ curve: any ECDSAPrivateKey.Type, hash: CryptoHash, publicKey: [UInt8], signature: [UInt8],
        data: UnsafeRawBufferPointer
    ) -> Bool {
        curve.isValid(signature: signature, publicKeyX963: publicKey, digest: hash.digestValue(data))
    }

    /// The ECDH shared secret (the x-coordinate, as long as the curve's field) of a private scalar and a public
    /// X9.63 point on curve `name`.
    static func ecdh(curve name: String, privateKey: [UInt8], publicKey: [UInt8]) throws(ScriptError) -> [UInt8] {
        do {
            let secret: SharedSecret =
                switch name {
                case "P-256":
                    try P256.KeyAgreement.PrivateKey(rawRepresentation: privateKey)
                        .sharedSecretFromKeyAgreement(with: .init(x963Representation: publicKey))
                case "P-384":
                    try P384.KeyAgreement.PrivateKey(rawRepresentation: privateKey)
                        .sharedSecretFromKeyAgreement(with: .init(x963Representation: publicKey))
                case "P-521":
                    try P521.KeyAgreement.PrivateKey(rawRepresentation: privateKey)
                        .sharedSecretFromKeyAgreement(with: .init(x963Representation: publicKey))
                default: throw CryptoErrors.notSupported("Unsupported namedCurve \"\(name)\".")
                }
            return secret.withUnsafeBytes { Array($0) }
        } catch let error as ScriptError {
            throw error
        } catch {
            throw CryptoErrors.operation("ECDH key agreement failed: \(error).")
        }
    }

    // MARK: X25519

    static func x25519Generate() -> (privateKey: [UInt8], publicKey: [UInt8]) {
        let key = Curve25519.KeyAgreement.PrivateKey()
        return (Array(key.rawRepresentation), Array(key.publicKey.rawRepresentation))
    }

    static func x25519PublicKey(privateKey: [UInt8]) throws(ScriptError) -> [UInt8] {
        do {
            return Array(try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey).publicKey.rawRepresentation)
        } catch {
            throw CryptoErrors.data("Invalid X25519 private key.")
        }
    }

    static func x25519CheckPublic(_ publicKey: [UInt8]) throws(ScriptError) {
        do { _ = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey) } catch {
            throw CryptoErrors.data("Invalid X25519 public key.")
        }
    }

    /// The RFC 7748 shared secret; all zeros (a small-order public key) is an OperationError, as Web Crypto asks.
    static func x25519(privateKey: [UInt8], publicKey: [UInt8]) throws(ScriptError) -> [UInt8] {
        let secret: [UInt8]
        do {
            let key = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey)
            let shared = try key.sharedSecretFromKeyAgreement(
                with: Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey))
            secret = shared.withUnsafeBytes { [UInt8]($0) }
        } catch {
            throw CryptoErrors.operation("X25519 key agreement failed.")
        }
        if secret.allSatisfy({ $0 == 0 }) {
            throw CryptoErrors.operation("X25519 key agreement gave an all-zero secret (a small-order public key).")
        }
        return secret
    }

    // MARK: Ed25519

    static func ed25519Generate() -> (privateKey: [UInt8], publicKey: [UInt8]) {
        let key = Curve25519.Signing.PrivateKey()
        return (Array(key.rawRepresentation), Array(key.publicKey.rawRepresentation))
    }

    /// The public key of a 32-byte seed, after checking it is one.
    static func ed25519PublicKey(privateKey: [UInt8]) throws(ScriptError) -> [UInt8] {
        do {
            return Array(try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey).publicKey.rawRepresentation)
        } catch {
            throw CryptoErrors.data("Invalid Ed25519 private key.")
        }
    }

    static func ed25519CheckPublic(_ publicKey: [UInt8]) throws(ScriptError) {
        do { _ = try Curve25519.Signing.PublicKey(rawRepresentation: publicKey) } catch {
            throw CryptoErrors.data("Invalid Ed25519 public key.")
        }
    }

    /// An RFC 8032 signature (BoringSSL's Ed25519 is deterministic, so the RFC's vectors reproduce).
    static func ed25519Sign(privateKey: [UInt8], data: UnsafeRawBufferPointer) throws(ScriptError) -> [UInt8] {
        do {
            return Array(try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey).signature(for: data))
        } catch {
            throw CryptoErrors.operation("Ed25519 signing failed: \(error).")
        }
    }

    static func ed25519Verify(publicKey: [UInt8], signature: [UInt8], data: UnsafeRawBufferPointer) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: data)
    }
}

/// What `CryptoCurves` needs of a NIST curve's signing key. swift-crypto gives P-256, P-384 and P-521 identical
/// APIs but no public protocol over them, so these restate the members it has (same generic signatures, so the
/// conformances are empty) and the helpers below are written once.
protocol ECDSAPrivateKey {
    associatedtype PublicKey: ECDSAPublicKey
    init(compactRepresentable: Bool)
    init<Bytes: ContiguousBytes>(rawRepresentation: Bytes) throws
    init<Bytes: RandomAccessCollection>(derRepresentation: Bytes) throws where Bytes.Element == UInt8
    var rawRepresentation: Data { get }
    var derRepresentation: Data { get }
    var publicKey: PublicKey { get }
    func signature<D: Digest>(for digest: D) throws -> PublicKey.Signature
}

protocol ECDSAPublicKey {
    associatedtype Signature: ECDSASignatureValue
    init<Bytes: ContiguousBytes>(x963Representation: Bytes) throws
    init<Bytes: ContiguousBytes>(compressedRepresentation: Bytes) throws
    init<Bytes: RandomAccessCollection>(derRepresentation: Bytes) throws where Bytes.Element == UInt8
    var x963Representation: Data { get }
    var derRepresentation: Data { get }
    func isValidSignature<D: Digest>(_ signature: Signature, for digest: D) -> Bool
}

protocol ECDSASignatureValue {
    init<D: DataProtocol>(rawRepresentation: D) throws
    var rawRepresentation: Data { get }
}

extension P256.Signing.PrivateKey: ECDSAPrivateKey {}
extension P256.Signing.PublicKey: ECDSAPublicKey {}
extension P256.Signing.ECDSASignature: ECDSASignatureValue {}
extension P384.Signing.PrivateKey: ECDSAPrivateKey {}
extension P384.Signing.PublicKey: ECDSAPublicKey {}
extension P384.Signing.ECDSASignature: ECDSASignatureValue {}
extension P521.Signing.PrivateKey: ECDSAPrivateKey {}
extension P521.Signing.PublicKey: ECDSAPublicKey {}
extension P521.Signing.ECDSASignature: ECDSASignatureValue {}

extension ECDSAPrivateKey {
    static func generated() -> Self { Self(compactRepresentable: false) }
    init(raw: [UInt8]) throws { try self.init(rawRepresentation: raw) }
    init(der: [UInt8]) throws { try self.init(derRepresentation: der) }
    var rawBytes: [UInt8] { Array(rawRepresentation) }
    var pkcs8: [UInt8] { Array(derRepresentation) }
    var publicKeyX963: [UInt8] { Array(publicKey.x963Representation) }

    func rawSignature(for digest: some Digest) throws -> [UInt8] {
        Array(try signature(for: digest).rawRepresentation)
    }

    static func publicX963(fromX963 bytes: [UInt8]) throws -> [UInt8] {
        let key =
            bytes.first == 4
            ? try PublicKey(x963Representation: bytes) : try PublicKey(compressedRepresentation: bytes)
        return Array(key.x963Representation)
    }

    static func publicX963(fromDER bytes: [UInt8]) throws -> [UInt8] {
        Array(try PublicKey(derRepresentation: bytes).x963Representation)
    }

    static func spki(fromX963 bytes: [UInt8]) throws -> [UInt8] {
        Array(try PublicKey(x963Representation: bytes).derRepresentation)
    }

    static func isValid(signature: [UInt8], publicKeyX963: [UInt8], digest: some Digest) -> Bool {
        guard let key = try? PublicKey(x963Representation: publicKeyX963),
            let parsed = try? PublicKey.Signature(rawRepresentation: signature)
        else { return false }
        return key.isValidSignature(parsed, for: digest)
    }
}
