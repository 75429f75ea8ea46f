import Crypto
import Foundation
import _CryptoExtras

/// AES-GCM and AES-CBC for `crypto.subtle.encrypt`/`decrypt`, over swift-crypto.
///
/// Deliberate gap: swift-crypto's GCM takes nonces of 12 bytes or more and checks full 128-bit tags only. A shorter
/// IV, or decrypting with a shorter `tagLength`, is refused with a NotSupportedError that says so; encrypting with a
/// shorter tag works (a truncated GCM tag is the leading bytes of the full one, NIST SP 800-38D §5.2.1.2).
enum CryptoCiphers {
    static func aesGCMEncrypt(
        key: UnsafeRawBufferPointer, iv: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer,
        tagByteCount: Int, plaintext: UnsafeRawBufferPointer
    ) throws(ScriptError) -> [UInt8] {
        let nonce = try gcmNonce(iv)
        do {
            let box = try AES.GCM.seal(
                plaintext, using: SymmetricKey(data: key), nonce: nonce, authenticating: additionalData)
            var output = [UInt8](box.ciphertext)
            output.append(contentsOf: box.tag.prefix(tagByteCount))
            return output
        } catch {
            throw CryptoErrors.operation("AES-GCM encryption failed: \(error).")
        }
    }

    static func aesGCMDecrypt(
        key: UnsafeRawBufferPointer, iv: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer,
        tagByteCount: Int, ciphertext: UnsafeRawBufferPointer
    ) throws(ScriptError) -> [UInt8] {
        guard tagByteCount == 16 else {
            throw CryptoErrors.notSupported(
                "AES-GCM decryption with a tag shorter than 128 bits is not supported by Kindling (requested \(tagByteCount * 8) bits).")
        }
        let nonce = try gcmNonce(iv)
        let split = ciphertext.count - tagByteCount
        do {
            let box = try AES.GCM.SealedBox(
                nonce: nonce, ciphertext: UnsafeRawBufferPointer(rebasing: ciphertext[..<split]),
                tag: UnsafeRawBufferPointer(rebasing: ciphertext[split...]))
            return try [UInt8](AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: additionalData))
        } catch {
            throw decryptionFailed(inputLength: split, algorithm: "AES-GCM")
        }
    }

    static func aesCBCEncrypt(key: UnsafeRawBufferPointer, iv: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer)
        throws(ScriptError) -> [UInt8]
    {
        do {
            let vector = try AES._CBC.IV(ivBytes: iv)
            return try [UInt8](AES._CBC.encrypt(plaintext, using: SymmetricKey(data: key), iv: vector))
        } catch {
            throw CryptoErrors.operation("AES-CBC encryption failed: \(error).")
        }
    }

    static func aesCBCDecrypt(key: UnsafeRawBufferPointer, iv: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer)
        throws(ScriptError) -> [UInt8]
    {
        do {
            let vector = try AES._CBC.IV(ivBytes: iv)
            return try [UInt8](AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: key), iv: vector))
        } catch {
            throw decryptionFailed(inputLength: ciphertext.count, algorithm: "AES-CBC")
        }
    }

    /// AES-KW (RFC 3394): `data` is the key bytes to wrap, at least 16 and a multiple of 8.
    static func aesKeyWrap(key: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) throws(ScriptError) -> [UInt8] {
        guard data.count >= 16, data.count % 8 == 0 else {
            throw CryptoErrors.operation(
                "AES-KW can only wrap data of at least 16 bytes whose length is a multiple of 8 (provided \(data.count) bytes).")
        }
        do {
            return [UInt8](try AES.KeyWrap.wrap(SymmetricKey(data: data), using: SymmetricKey(data: key)))
        } catch {
            throw CryptoErrors.operation("AES-KW wrapping failed.")
        }
    }

    /// AES-KW unwrapping; wrapped data that fails RFC 3394's integrity check (another key, altered bytes) is an
    /// OperationError.
    static func aesKeyUnwrap(key: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer) throws(ScriptError) -> [UInt8] {
        guard data.count >= 24, data.count % 8 == 0 else {
            throw CryptoErrors.operation(
                "AES-KW can only unwrap data of at least 24 bytes whose length is a multiple of 8 (provided \(data.count) bytes).")
        }
        do {
            return try AES.KeyWrap.unwrap(data, using: SymmetricKey(data: key)).withUnsafeBytes { [UInt8]($0) }
        } catch {
            throw CryptoErrors.operation("AES-KW unwrapping failed: the data was not wrapped with this key, or was altered.")
        }
    }

    private static func gcmNonce(_ iv: UnsafeRawBufferPointer) throws(ScriptError) -> AES.GCM.Nonce {
        do {
            return try AES.GCM.Nonce(data: iv)
        } catch {
            throw CryptoErrors.notSupported(
                "AES-GCM IVs shorter than 12 bytes are not supported by Kindling (provided \(iv.count) bytes).")
        }
    }

    /// workerd's wording for every decryption failure (bad tag, bad padding, wrong key).
    private static func decryptionFailed(inputLength: Int, algorithm: String) -> ScriptError {
        CryptoErrors.operation(
            "Decryption failed. This could be due to a ciphertext authentication failure, bad padding, incorrect "
                + "CryptoKey, or another algorithm-specific reason. Input length was \(inputLength), output length "
                + "expected to be \(inputLength) for \(algorithm)")
    }
}
