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

    /// AES-CTR as Web Crypto defines it: the rightmost `length` bits of the 16-byte `counter` block count the
    /// blocks and wrap to zero within those bits, leaving the rest of the block as it is. BoringSSL increments the
    /// whole 128-bit block, so a message that would wrap is run in two pieces, the second from the counter bits set
    /// to zero. Encryption and decryption are the same.
    static func aesCTR(key: UnsafeRawBufferPointer, counter: UnsafeRawBufferPointer, length: Int, data: UnsafeRawBufferPointer)
        throws(ScriptError) -> [UInt8]
    {
        guard counter.count == 16 else {
            throw CryptoErrors.operation("AES-CTR counter must be 16 bytes long (provided \(counter.count) bytes).")
        }
        guard (1...128).contains(length) else {
            throw CryptoErrors.operation("AES-CTR counter length must be between 1 and 128 bits (provided \(length)).")
        }
        let block = counter.reduce(UInt128(0)) { ($0 << 8) | UInt128($1) }
        let sharedKey = SymmetricKey(data: key)
        func run(_ part: UnsafeRawBufferPointer, from start: UInt128) throws(ScriptError) -> [UInt8] {
            guard !part.isEmpty else { return [] }
            let bytes = (0..<16).map { UInt8(truncatingIfNeeded: start >> (8 * (15 - $0))) }
            do {
                return [UInt8](try AES._CTR.encrypt(part, using: sharedKey, nonce: AES._CTR.Nonce(nonceBytes: bytes)))
            } catch {
                throw CryptoErrors.operation("AES-CTR failed.")
            }
        }
        // A 128-bit counter is BoringSSL's own (and cannot repeat within any message that fits in memory).
        guard length < 128 else { return try run(data, from: block) }
        let mask = (UInt128(1) << length) - 1
        let blocks = (UInt128(data.count) + 15) / 16
        if blocks > mask + 1 {
            throw CryptoErrors.operation("AES-CTR counter would repeat: the data is longer than 2^\(length) blocks.")
        }
        // Blocks before the counter bits wrap to zero.
        let beforeWrap = mask - (block & mask) + 1
        guard blocks > beforeWrap else { return try run(data, from: block) }
        let split = Int(beforeWrap) * 16
        return try run(UnsafeRawBufferPointer(rebasing: data[..<split]), from: block)
            + run(UnsafeRawBufferPointer(rebasing: data[split...]), from: block & ~mask)
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
