import CJavaScriptCore

extension CryptoCall {
    typealias Operation = @Sendable (CryptoCall) throws(ScriptError) -> JSValueRef?

    /// `cryptoNative`'s operations by name. Argument 0 is the name; the positions below count from 1. The JS half
    /// (`1d-crypto-subtle.js`, `1d-crypto-keys.js`) is the only caller and has checked every argument's type.
    static let operations: [String: Operation] = [
        // (hash, data)
        "digest": { call throws(ScriptError) in call.arrayBuffer(try call.hash(1).digest(call.bytes(2))) },
        // crypto.DigestStream: (hash) → a handle; (handle, data); (handle) → the digest.
        "hashOpen": { call throws(ScriptError) in NativeHandles.make(call.context, IncrementalHash(try call.hash(1))) },
        "hashUpdate": { call throws(ScriptError) in
            (try NativeHandles.object(call.context, call.arguments[1]) as IncrementalHash).update(call.bytes(2))
            return nil
        },
        "hashFinish": { call throws(ScriptError) in
            call.arrayBuffer((try NativeHandles.object(call.context, call.arguments[1]) as IncrementalHash).finish())
        },
        // (hash, key, data)
        "hmac": { call throws(ScriptError) in
            call.arrayBuffer(try call.hash(1).hmac(key: call.bytes(2), data: call.bytes(3)))
        },
        // (hash, password, salt, iterations, byteLength)
        "pbkdf2": { call throws(ScriptError) in
            let hash = try call.hash(1)
            do {
                return call.arrayBuffer(
                    try hash.pbkdf2(
                        password: call.bytes(2), salt: call.bytes(3), iterations: call.int(4), length: call.int(5)))
            } catch let error as ScriptError {
                throw error
            } catch {
                throw CryptoErrors.operation("PBKDF2 failed: \(error).")
            }
        },
        // (hash, key, salt, info, byteLength)
        "hkdf": { call throws(ScriptError) in
            call.arrayBuffer(
                try call.hash(1).hkdf(key: call.bytes(2), salt: call.bytes(3), info: call.bytes(4), length: call.int(5)))
        },
        // (key, iv, additionalData, tagByteLength, data)
        "gcmEncrypt": { call throws(ScriptError) in
            call.arrayBuffer(
                try CryptoCiphers.aesGCMEncrypt(
                    key: call.bytes(1), iv: call.bytes(2), additionalData: call.bytes(3), tagByteCount: call.int(4),
                    plaintext: call.bytes(5)))
        },
        "gcmDecrypt": { call throws(ScriptError) in
            call.arrayBuffer(
                try CryptoCiphers.aesGCMDecrypt(
                    key: call.bytes(1), iv: call.bytes(2), additionalData: call.bytes(3), tagByteCount: call.int(4),
                    ciphertext: call.bytes(5)))
        },
        // (key, iv, data)
        "cbcEncrypt": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCiphers.aesCBCEncrypt(key: call.bytes(1), iv: call.bytes(2), plaintext: call.bytes(3)))
        },
        "cbcDecrypt": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCiphers.aesCBCDecrypt(key: call.bytes(1), iv: call.bytes(2), ciphertext: call.bytes(3)))
        },
        // (key, counter, length, data): AES-CTR, both ways
        "ctr": { call throws(ScriptError) in
            call.arrayBuffer(
                try CryptoCiphers.aesCTR(key: call.bytes(1), counter: call.bytes(2), length: call.int(3), data: call.bytes(4)))
        },
        // (key, data): AES-KW
        "kwWrap": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCiphers.aesKeyWrap(key: call.bytes(1), data: call.bytes(2)))
        },
        "kwUnwrap": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCiphers.aesKeyUnwrap(key: call.bytes(1), data: call.bytes(2)))
        },
        // (curve) → [private scalar, public X9.63]
        "ecGenerate": { call throws(ScriptError) in call.pair(CryptoCurves.generate(try call.curve(1))) },
        // (curve, raw scalar or null, PKCS #8 or null) → [private scalar, public X9.63]
        "ecImportPrivate": { call throws(ScriptError) in
            call.pair(try CryptoCurves.importPrivate(try call.curve(1), raw: call.optionalArray(2), pkcs8: call.optionalArray(3)))
        },
        // (curve, X9.63 or null, SPKI or null) → public X9.63
        "ecImportPublic": { call throws(ScriptError) in
            call.arrayBuffer(
                try CryptoCurves.importPublic(try call.curve(1), x963: call.optionalArray(2), spki: call.optionalArray(3)))
        },
        "ecExportPKCS8": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCurves.exportPKCS8(try call.curve(1), privateKey: call.array(2)))
        },
        "ecExportSPKI": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCurves.exportSPKI(try call.curve(1), publicKey: call.array(2)))
        },
        // (curve, hash, private scalar, data)
        "ecdsaSign": { call throws(ScriptError) in
            call.arrayBuffer(
                try CryptoCurves.sign(try call.curve(1), hash: try call.hash(2), privateKey: call.array(3), data: call.bytes(4)))
        },
        // (curve, hash, public X9.63, signature, data)
        "ecdsaVerify": { call throws(ScriptError) in
            call.boolean(
                CryptoCurves.verify(
                    try call.curve(1), hash: try call.hash(2), publicKey: call.array(3), signature: call.array(4),
                    data: call.bytes(5)))
        },
        // (curve, private scalar, peer's public X9.63) → shared secret
        "ecdh": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCurves.ecdh(curve: call.string(1), privateKey: call.array(2), publicKey: call.array(3)))
        },
        "xGenerate": { call throws(ScriptError) in call.pair(CryptoCurves.x25519Generate()) },
        // (private key) → public key
        "xPublic": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCurves.x25519PublicKey(privateKey: call.array(1)))
        },
        "xCheckPublic": { call throws(ScriptError) in
            try CryptoCurves.x25519CheckPublic(call.array(1))
            return nil
        },
        // (private key, public key) → shared secret
        "x25519": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCurves.x25519(privateKey: call.array(1), publicKey: call.array(2)))
        },
        "edGenerate": { call throws(ScriptError) in call.pair(CryptoCurves.ed25519Generate()) },
        // (seed) → public key
        "edPublic": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCurves.ed25519PublicKey(privateKey: call.array(1)))
        },
        "edCheckPublic": { call throws(ScriptError) in
            try CryptoCurves.ed25519CheckPublic(call.array(1))
            return nil
        },
        // (seed, data)
        "edSign": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoCurves.ed25519Sign(privateKey: call.array(1), data: call.bytes(2)))
        },
        // (public key, signature, data)
        "edVerify": { call throws(ScriptError) in
            call.boolean(CryptoCurves.ed25519Verify(publicKey: call.array(1), signature: call.array(2), data: call.bytes(3)))
        },
        // (modulusLength, publicExponent) → [private PKCS #1, public SPKI, modulusLength, publicExponent]
        "rsaGenerate": { call throws(ScriptError) in
            call.rsa(try CryptoRSA.generate(modulusLength: call.int(1), publicExponent: call.array(2)))
        },
        "rsaImportPrivate": { call throws(ScriptError) in call.rsa(try CryptoRSA.importPrivate(der: call.array(1))) },
        // (n, e, d, p, q)
        "rsaImportPrivateJWK": { call throws(ScriptError) in
            call.rsa(
                try CryptoRSA.importPrivate(
                    n: call.array(1), e: call.array(2), d: call.array(3), p: call.array(4), q: call.array(5)))
        },
        "rsaImportPublic": { call throws(ScriptError) in call.rsa(try CryptoRSA.importPublic(der: call.array(1))) },
        // (n, e)
        "rsaImportPublicJWK": { call throws(ScriptError) in
            call.rsa(try CryptoRSA.importPublic(n: call.array(1), e: call.array(2)))
        },
        "rsaExportPKCS8": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoRSA.exportPKCS8(privateKey: call.array(1)))
        },
        // (public SPKI) → [n, e]
        "rsaPublicNumbers": { call throws(ScriptError) in
            let numbers = try CryptoRSA.publicNumbers(publicKey: call.array(1))
            return call.list([{ call.arrayBuffer(numbers.n) }, { call.arrayBuffer(numbers.e) }])
        },
        // (hash, private PKCS #1, data, "pkcs1" or "pss")
        "rsaSign": { call throws(ScriptError) in
            call.arrayBuffer(
                try CryptoRSA.sign(
                    hash: try call.hash(1), privateKey: call.array(2), data: call.bytes(3), pss: call.string(4) == "pss"))
        },
        // (hash, public SPKI, signature, data, "pkcs1" or "pss")
        "rsaVerify": { call throws(ScriptError) in
            call.boolean(
                try CryptoRSA.verify(
                    hash: try call.hash(1), publicKey: call.array(2), signature: call.array(3), data: call.bytes(4),
                    pss: call.string(5) == "pss"))
        },
        // (hash, public SPKI, data)
        "rsaEncrypt": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoRSA.encrypt(hash: try call.hash(1), publicKey: call.array(2), data: call.bytes(3)))
        },
        // (hash, private PKCS #1, data)
        "rsaDecrypt": { call throws(ScriptError) in
            call.arrayBuffer(try CryptoRSA.decrypt(hash: try call.hash(1), privateKey: call.array(2), data: call.bytes(3)))
        },
        // (a, b) of equal length: compared without an early exit, so the time does not depend on where they differ.
        "timingSafeEqual": { call throws(ScriptError) in
            let a = call.bytes(1)
            let b = call.bytes(2)
            var difference: UInt8 = 0
            for index in 0..<min(a.count, b.count) { difference |= a[index] ^ b[index] }
            return call.boolean(difference == 0 && a.count == b.count)
        },
    ]
}
