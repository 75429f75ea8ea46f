import Crypto
import Foundation
import _CryptoExtras

/// RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP for `crypto.subtle`, over swift-crypto's `_RSA` (BoringSSL).
///
/// Keys cross to JS as DER and come back on each call: a private key as PKCS #1 `RSAPrivateKey` (which the JS half
/// also reads for JWK export), a public key as SPKI. Keys of 1024 bits and up are accepted, as on the platform,
/// through swift-crypto's `unsafe` initialisers (its checked ones insist on 2048).
enum CryptoRSA {
    /// A key as JS keeps it, with what its `algorithm` reports.
    struct Imported {
        var privateKey: [UInt8]?
        var publicKey: [UInt8]
        var modulusLength: Int
        var publicExponent: [UInt8]
    }

    static func generate(modulusLength: Int, publicExponent: [UInt8]) throws(ScriptError) -> Imported {
        // swift-crypto always generates with e = 65537; anything else cannot be honoured.
        guard publicExponent.drop(while: { $0 == 0 }).elementsEqual([1, 0, 1]) else {
            throw CryptoErrors.operation("Kindling can only generate RSA keys with the public exponent 65537.")
        }
        guard modulusLength >= 1024, modulusLength <= 8192, modulusLength % 8 == 0 else {
            throw CryptoErrors.operation("Invalid RSA modulus length \(modulusLength); use a multiple of 8 from 1024 to 8192.")
        }
        do {
            return try describe(_RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: modulusLength)))
        } catch {
            throw CryptoErrors.operation("RSA key generation failed: \(error).")
        }
    }

    /// Reads a private key from PKCS #8 or PKCS #1 DER.
    static func importPrivate(der: [UInt8]) throws(ScriptError) -> Imported {
        try reading("Invalid RSA private key data.") { try describe(_RSA.Signing.PrivateKey(unsafeDERRepresentation: der)) }
    }

    /// Reads a private key from its JWK numbers (big-endian bytes).
    static func importPrivate(n: [UInt8], e: [UInt8], d: [UInt8], p: [UInt8], q: [UInt8]) throws(ScriptError)
        -> Imported
    {
        try reading("Invalid RSA private key in the JSON Web Key.") {
            try describe(_RSA.Signing.PrivateKey(n: n, e: e, d: d, p: p, q: q))
        }
    }

    static func importPublic(der: [UInt8]) throws(ScriptError) -> Imported {
        try reading("Invalid RSA public key data.") { try describe(_RSA.Signing.PublicKey(unsafeDERRepresentation: der)) }
    }

    static func importPublic(n: [UInt8], e: [UInt8]) throws(ScriptError) -> Imported {
        try reading("Invalid RSA public key in the JSON Web Key.") { try describe(_RSA.Signing.PublicKey(n: n, e: e)) }
    }

    /// Runs a key import; any failure is a DataError with `failure` as its message.
    private static func reading(_ failure: String, _ body: () throws -> Imported) throws(ScriptError) -> Imported {
        do { return try body() } catch { throw CryptoErrors.data(failure) }
    }

    /// The PKCS #8 DER of a private key (swift-crypto gives PKCS #8 only as PEM, so the PEM's base64 is decoded).
    static func exportPKCS8(privateKey: [UInt8]) throws(ScriptError) -> [UInt8] {
        do {
            let pem = try _RSA.Signing.PrivateKey(unsafeDERRepresentation: privateKey).pkcs8PEMRepresentation
            let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            guard let der = Data(base64Encoded: body) else { throw CryptoErrors.operation("Bad PEM from swift-crypto.") }
            return Array(der)
        } catch {
            throw CryptoErrors.operation("RSA key export failed: \(error).")
        }
    }

    /// `(n, e)` of a public key, for JWK export.
    static func publicNumbers(publicKey: [UInt8]) throws(ScriptError) -> (n: [UInt8], e: [UInt8]) {
        do {
            let numbers = try _RSA.Signing.PublicKey(unsafeDERRepresentation: publicKey).getKeyPrimitives()
            return (Array(numbers.modulus), Array(numbers.publicExponent))
        } catch {
            throw CryptoErrors.operation("RSA key export failed: \(error).")
        }
    }

    /// A signature with PKCS #1 v1.5 padding, or PSS (MGF1, salt as long as the hash: the one salt swift-crypto
    /// offers).
    static func sign(hash: CryptoHash, privateKey: [UInt8], data: UnsafeRawBufferPointer, pss: Bool) throws(ScriptError)
        -> [UInt8]
    {
        do {
            let key = try _RSA.Signing.PrivateKey(unsafeDERRepresentation: privateKey)
            let signature = try key.signature(for: try digest(hash, data), padding: pss ? .PSS : .insecurePKCS1v1_5)
            return Array(signature.rawRepresentation)
        } catch let error as ScriptError {
            throw error
        } catch {
            throw CryptoErrors.operation("RSA signing failed: \(error).")
        }
    }

    static func verify(
        hash: CryptoHash, publicKey: [UInt8], signature: [UInt8], data: UnsafeRawBufferPointer, pss: Bool
    ) throws(ScriptError) -> Bool {
        guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: publicKey) else { return false }
        return key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: try digest(hash, data),
            padding: pss ? .PSS : .insecurePKCS1v1_5)
    }

    /// RSA-OAEP (MGF1 with the same hash, no label); the JS half allows SHA-1 and SHA-256 only, as swift-crypto does.
    static func encrypt(hash: CryptoHash, publicKey: [UInt8], data: UnsafeRawBufferPointer) throws(ScriptError)
        -> [UInt8]
    {
        do {
            let key = try _RSA.Encryption.PublicKey(unsafeDERRepresentation: publicKey)
            return Array(try key.encrypt(data, padding: oaep(hash)))
        } catch {
            throw CryptoErrors.operation("RSA-OAEP encryption failed; the data may be too long for the key.")
        }
    }

    static func decrypt(hash: CryptoHash, privateKey: [UInt8], data: UnsafeRawBufferPointer) throws(ScriptError)
        -> [UInt8]
    {
        do {
            let key = try _RSA.Encryption.PrivateKey(unsafeDERRepresentation: privateKey)
            return Array(try key.decrypt(data, padding: oaep(hash)))
        } catch {
            throw CryptoErrors.operation("Decryption failed.")
        }
    }

    private static func oaep(_ hash: CryptoHash) -> _RSA.Encryption.Padding {
        hash == .sha1 ? .PKCS1_OAEP : .PKCS1_OAEP_SHA256
    }

    /// swift-crypto's RSA takes SHA-1 and SHA-2 digests only.
    private static func digest(_ hash: CryptoHash, _ data: UnsafeRawBufferPointer) throws(ScriptError) -> any Digest {
        guard hash != .md5 else { throw CryptoErrors.notSupported("RSASSA-PKCS1-v1_5 does not support MD5.") }
        return hash.digestValue(data)
    }

    private static func describe(_ key: _RSA.Signing.PrivateKey) throws -> Imported {
        var imported = try describe(key.publicKey)
        imported.privateKey = Array(key.derRepresentation)
        return imported
    }

    private static func describe(_ key: _RSA.Signing.PublicKey) throws -> Imported {
        let numbers = try key.getKeyPrimitives()
        return Imported(
            privateKey: nil, publicKey: Array(key.derRepresentation), modulusLength: key.keySizeInBits,
            publicExponent: Array(numbers.publicExponent.drop(while: { $0 == 0 })))
    }
}
