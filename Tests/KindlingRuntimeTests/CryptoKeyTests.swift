import KindlingRuntime
import Testing

@Suite("crypto.subtle: keys, round trips and errors")
struct CryptoKeyTests {
    @Test("ECDSA P-256: generated keys sign and verify, a tampered signature is false, keys survive JWK/SPKI/PKCS #8")
    func ecdsa() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const algorithm = { name: "ECDSA", hash: "SHA-256" };
              const { publicKey, privateKey } = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
              const signature = new Uint8Array(await subtle.sign(algorithm, privateKey, utf8("message")));
              const tampered = signature.slice(); tampered[5] ^= 0x40;
              const jwk = await subtle.exportKey("jwk", privateKey);
              const fromJwk = await subtle.importKey("jwk", jwk, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
              const fromSpki = await subtle.importKey("spki", await subtle.exportKey("spki", publicKey), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
              const fromRaw = await subtle.importKey("raw", await subtle.exportKey("raw", publicKey), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
              const fromPkcs8 = await subtle.importKey("pkcs8", await subtle.exportKey("pkcs8", privateKey), { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
              const second = await subtle.sign(algorithm, fromJwk, utf8("message"));
              const third = await subtle.sign(algorithm, fromPkcs8, utf8("message"));
              return [signature.length, await subtle.verify(algorithm, publicKey, signature, utf8("message")),
                await subtle.verify(algorithm, publicKey, tampered, utf8("message")),
                await subtle.verify(algorithm, publicKey, signature, utf8("massage")),
                await subtle.verify(algorithm, fromSpki, second, utf8("message")), await subtle.verify(algorithm, fromRaw, third, utf8("message")),
                await subtle.verify(algorithm, publicKey, signature.subarray(1), utf8("message")),
                jwk.kty, jwk.crv, jwk.d.length, publicKey.type, privateKey.type, publicKey.extractable, publicKey.usages, privateKey.usages,
                privateKey.algorithm];
            })()
            """)
        #expect(
            result == """
                [64,true,false,false,true,true,false,"EC","P-256",43,"public","private",true,["verify"],["sign"],\
                {"name":"ECDSA","namedCurve":"P-256"}]
                """)
    }

    @Test("JWK round trips: HMAC and AES keys export and import the same bytes; Ed25519 and RSA keys generate")
    func jwkRoundTrips() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const hmac = await subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, true, ["sign", "verify"]);
              const jwk = await subtle.exportKey("jwk", hmac);
              const back = await subtle.importKey("jwk", jwk, { name: "HMAC", hash: "SHA-512" }, true, ["sign", "verify"]);
              const aes = await subtle.generateKey({ name: "AES-CBC", length: 192 }, true, ["encrypt", "decrypt"]);
              const aesJwk = await subtle.exportKey("jwk", aes);
              const aesBack = await subtle.importKey("jwk", aesJwk, "AES-CBC", true, ["encrypt"]);
              const ed = await subtle.generateKey("Ed25519", true, ["sign", "verify"]);
              const edJwk = await subtle.exportKey("jwk", ed.privateKey);
              const edBack = await subtle.importKey("jwk", edJwk, "Ed25519", false, ["sign"]);
              const edSignature = await subtle.sign("Ed25519", edBack, utf8("x"));
              return [jwk.kty, jwk.alg, jwk.key_ops, jwk.ext, hmac.algorithm.length,
                hex(await subtle.exportKey("raw", back)) === hex(await subtle.exportKey("raw", hmac)),
                hex(await subtle.sign("HMAC", back, utf8("m"))) === hex(await subtle.sign("HMAC", hmac, utf8("m"))),
                aesJwk.alg, hex(await subtle.exportKey("raw", aesBack)) === hex(await subtle.exportKey("raw", aes)),
                edJwk.kty, edJwk.crv, await subtle.verify("Ed25519", ed.publicKey, edSignature, utf8("x")),
                hex(await subtle.exportKey("spki", ed.publicKey)).slice(0, 24)];
            })()
            """)
        #expect(
            result == """
                ["oct","HS512",["sign","verify"],true,1024,true,true,"A192CBC",true,"OKP","Ed25519",true,"302a300506032b6570032100"]
                """)
    }

    @Test("RSASSA-PKCS1-v1_5 keys generate, sign and verify (swift-crypto fixes the exponent at 65537)")
    func rsaGenerate() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const algorithm = { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-1" };
              const { publicKey, privateKey } = await subtle.generateKey(algorithm, false, ["sign", "verify"]);
              const signature = await subtle.sign(algorithm, privateKey, utf8("data"));
              const jwk = await subtle.exportKey("jwk", publicKey);
              return [signature.byteLength, await subtle.verify(algorithm, publicKey, signature, utf8("data")), privateKey.extractable,
                jwk.alg, jwk.e, publicKey.algorithm.hash.name,
                await rejected(() => subtle.generateKey({ ...algorithm, publicExponent: new Uint8Array([3]) }, false, ["sign"]))];
            })()
            """)
        #expect(
            result == """
                [128,true,false,"RS1","AQAB","SHA-1","OperationError: Kindling can only generate RSA keys with the public exponent 65537."]
                """)
    }

    @Test("CryptoKey, SubtleCrypto and crypto.subtle look like the platform's")
    func shapes() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => [typeof CryptoKey, typeof SubtleCrypto, crypto.subtle instanceof SubtleCrypto, crypto.subtle === crypto.subtle,
              Object.prototype.toString.call(crypto.subtle), thrown(() => new SubtleCrypto()), thrown(() => new CryptoKey()),
              Object.prototype.toString.call(await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt"]))])()
            """)
        #expect(
            result == """
                ["function","function",true,true,"[object SubtleCrypto]","TypeError: Illegal constructor",\
                "TypeError: Illegal constructor","[object CryptoKey]"]
                """)
    }

    @Test("reading crypto.subtle first, in an isolate whose Web APIs are deferred, sets them up")
    func deferredFirstUse() async throws {
        try await withIsolate { _ async throws in }
        try await withIsolate(IsolateConfiguration(name: "deferred")) { isolate async throws in
            let first = try await isolate.evaluate(
                "(async () => new Uint8Array(await crypto.subtle.digest('SHA-1', new Uint8Array([97, 98, 99])))[0])()")
            #expect(first == "169")  // 0xa9, the first byte of SHA-1("abc")
        }
    }

    @Test(
        "errors carry the platform's names and wording, and reject rather than throw",
        arguments: [
            (#"subtle.digest("SHA-3", new Uint8Array(1))"#, "NotSupportedError: Unrecognized or unimplemented digest algorithm requested."),
            (#"subtle.digest("SHA-256", "text")"#, "TypeError: Failed to execute 'digest' on 'SubtleCrypto': parameter 2 is not of type 'ArrayBuffer or ArrayBufferView'."),
            (#"subtle.digest("SHA-256")"#, "TypeError: Failed to execute 'digest' on 'SubtleCrypto': 2 arguments required, but only 1 present."),
            (#"subtle.importKey("raw", new Uint8Array(16), "FOO-BAR", false, ["sign"])"#, #"NotSupportedError: Unrecognized key import algorithm "FOO-BAR" requested."#),
            (#"subtle.generateKey({ name: "PBKDF2" }, false, ["deriveBits"])"#, #"NotSupportedError: Unrecognized key generation algorithm "PBKDF2" requested."#),
            (#"subtle.importKey("raw", new Uint8Array(5), "AES-GCM", false, ["encrypt"])"#, "DataError: Imported AES key length must be 128, 192, or 256 bits but provided 40."),
            (#"subtle.importKey("raw", new Uint8Array(0), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])"#, "DataError: Imported HMAC key length (0) must be a non-zero value up to 7 bits less than, and no greater than, the bit length of the raw key data (0)."),
            (#"subtle.importKey("raw", new Uint8Array(16), { name: "HMAC", hash: "SHA-256" }, false, ["encrypt"])"#, #"SyntaxError: Attempt to import secret HMAC key with invalid usage "encrypt"."#),
            (#"subtle.importKey("raw", new Uint8Array(16), { name: "HMAC", hash: "SHA-256" }, false, [])"#, "SyntaxError: Secret/private CryptoKeys must have at least one usage."),
            (#"subtle.importKey("raw", new Uint8Array(16), { name: "HMAC" }, false, ["sign"])"#, #"TypeError: Missing field "hash" in "algorithm"."#),
            (#"subtle.importKey("raw", new Uint8Array(31), "Ed25519", false, ["verify"])"#, "DataError: Invalid Ed25519 public key."),
            (#"subtle.importKey("spki", new Uint8Array(10), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"])"#, "DataError: Invalid EC public key data."),
            (#"subtle.importKey("raw", new Uint8Array(65), { name: "ECDSA", namedCurve: "P-192" }, false, ["verify"])"#, #"NotSupportedError: Unsupported namedCurve "P-192"."#),
            (#"subtle.importKey("jwk", { kty: "RSA", k: "AAAA" }, { name: "HMAC", hash: "SHA-256" }, false, ["sign"])"#, #"DataError: HMAC "jwk" key import requires a JSON Web Key with Key Type parameter ("kty") equal to "oct" (encountered "RSA")."#),
            (#"subtle.importKey("pem", new Uint8Array(16), "AES-GCM", false, ["encrypt"])"#, #"NotSupportedError: Unrecognized key import format "pem"."#),
            (#"(async () => subtle.sign("HMAC", await subtle.importKey("raw", new Uint8Array(16), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]), new Uint8Array(1)))()"#, #"InvalidAccessError: Requested key usage "sign" does not match any usage listed in this CryptoKey."#),
            (#"(async () => subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt"]), new Uint8Array(1)))()"#, #"InvalidAccessError: Requested algorithm "AES-CBC" does not match this CryptoKey's algorithm "AES-GCM"."#),
            (#"(async () => subtle.exportKey("raw", await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt"])))()"#, "InvalidAccessError: Attempt to export non-extractable AES-GCM key."),
            (#"(async () => subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(8) }, await subtle.generateKey({ name: "AES-CBC", length: 128 }, false, ["encrypt"]), new Uint8Array(1)))()"#, "OperationError: AES-CBC IV must be 16 bytes long (provided 8 bytes)."),
            (#"(async () => subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12), tagLength: 100 }, await subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt"]), new Uint8Array(1)))()"#, "OperationError: Invalid AES-GCM tag length 100."),
            (#"(async () => subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(8), iterations: 100001 }, await subtle.importKey("raw", new Uint8Array(8), "PBKDF2", false, ["deriveBits"]), 256))()"#, "NotSupportedError: Pbkdf2 failed: iteration counts above 100000 are not supported (requested 100001)."),
            (#"(async () => subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) }, await subtle.importKey("raw", new Uint8Array(8), "HKDF", false, ["deriveBits"]), null))()"#, "OperationError: HKDF cannot derive a key with null length."),
            (#"(async () => subtle.importKey("raw", new Uint8Array(8), "PBKDF2", true, ["deriveBits"]))()"#, "SyntaxError: PBKDF2 key cannot be extractable."),
            (#"subtle.sign("HMAC", {}, new Uint8Array(1))"#, "TypeError: Failed to execute 'sign' on 'SubtleCrypto': parameter 2 is not of type 'CryptoKey'."),
        ])
    func errors(source: String, expected: String) async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              let promise;
              try { promise = \(source); } catch (e) { return "threw synchronously: " + e.name; }
              return [await rejected(() => promise), await promise.catch((e) => e instanceof DOMException || e instanceof TypeError)];
            })()
            """)
        #expect(result == "[\(jsString(expected)),true]")
    }

    @Test("timingSafeEqual compares equal-length buffers and throws a TypeError for different lengths")
    func timingSafeEqual() async throws {
        let result = try await evaluateCrypto(
            """
            [subtle.timingSafeEqual(utf8("abc"), utf8("abc")), subtle.timingSafeEqual(utf8("abc"), utf8("abd")),
              subtle.timingSafeEqual(new ArrayBuffer(0), new Uint8Array(0)),
              thrown(() => subtle.timingSafeEqual(utf8("abc"), utf8("ab"))), thrown(() => subtle.timingSafeEqual("abc", "abc"))]
            """)
        #expect(
            result == """
                [true,false,true,"TypeError: Input buffers must have the same byte length.",\
                "TypeError: Failed to execute 'timingSafeEqual' on 'SubtleCrypto': parameter 1 is not of type 'ArrayBuffer or ArrayBufferView'."]
                """)
    }
}
