import KindlingRuntime
import Testing

/// JS helpers for the crypto suites: `hex(buffer)`, `bytes(hexString)`, `utf8(string)`, and `subtle`.
let cryptoHelpers = """
    const subtle = crypto.subtle;
    const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
    const bytes = (text) => Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
    const utf8 = (text) => new TextEncoder().encode(text);

    """

/// Evaluates `source` after ``cryptoHelpers`` and returns the JSON of its (awaited) value.
func evaluateCrypto(_ source: String) async throws -> String {
    try await evaluateWebAPI(cryptoHelpers + source)
}

@Suite("crypto.subtle: known answers")
struct CryptoSubtleTests {
    @Test("digest: FIPS 180 \"abc\" for SHA-1/256/384/512, and MD5 as Workers allows")
    func digests() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => Promise.all(["SHA-1", "sha-256", { name: "SHA-384" }, "SHA-512", "MD5"]
              .map(async (name) => hex(await subtle.digest(name, utf8("abc"))))))()
            """)
        #expect(
            result == """
                ["a9993e364706816aba3e25717850c26c9cd0d89d",\
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",\
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",\
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",\
                "900150983cd24fb0d6963f7d28e17f72"]
                """)
    }

    @Test("digest reads a view's own bytes (offset and length) and an ArrayBuffer, and gives a new ArrayBuffer")
    func digestViews() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const whole = utf8("xxabcxx");
              const view = new DataView(whole.buffer, 2, 3);
              const out = await subtle.digest("SHA-256", view);
              return [hex(out) === hex(await subtle.digest("SHA-256", utf8("abc").buffer)), out instanceof ArrayBuffer,
                hex(await subtle.digest("SHA-256", new Uint8Array(0)))];
            })()
            """)
        #expect(result == #"[true,true,"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]"#)
    }

    @Test("crypto.DigestStream: FIPS 180 \"abc\" written in pieces, a piped body, views, errors and abort")
    func digestStream() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const inPieces = async (name) => {
                const stream = new crypto.DigestStream(name);
                const writer = stream.getWriter();
                await writer.write(utf8("a"));
                await writer.write(new DataView(utf8("xbx").buffer, 1, 1));
                await writer.write(utf8("c").buffer);
                await writer.close();
                return [hex(await stream.digest), stream.bytesWritten];
              };
              const piped = new crypto.DigestStream("MD5");
              await new Response("abc").body.pipeTo(piped);
              const text = new crypto.DigestStream("SHA-256");
              const refused = await text.getWriter().write("abc").catch(String);
              const aborted = new crypto.DigestStream("SHA-1");
              await aborted.abort(new Error("stopped"));
              let unsupported;
              try { new crypto.DigestStream("SHA-3"); } catch (error) { unsupported = `${error.name}: ${error.message}`; }
              return [await inPieces("SHA-1"), await inPieces({ name: "sha-256" }), hex(await piped.digest), refused,
                String(await text.digest.catch((error) => error)), String(await aborted.digest.catch((error) => error)),
                unsupported, piped instanceof WritableStream, Object.prototype.toString.call(piped)];
            })()
            """)
        let notBytes = "TypeError: This WritableStream only supports writing byte types."
        #expect(
            result == """
                [["a9993e364706816aba3e25717850c26c9cd0d89d",3],\
                ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",3],\
                "900150983cd24fb0d6963f7d28e17f72","\(notBytes)","\(notBytes)","Error: stopped",\
                "NotSupportedError: Unrecognized or unimplemented digest algorithm requested.",true,"[object DigestStream]"]
                """)
    }

    @Test("AES-KW: RFC 3394 §4.1 and §4.6 through wrapKey, unwrapKey back, a tampered wrap, and wrap-only usages")
    func aesKeyWrap() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const wrap = async (kekHex, keyHex) => {
                const kek = await subtle.importKey("raw", bytes(kekHex), "AES-KW", true, ["wrapKey", "unwrapKey"]);
                const key = await subtle.importKey("raw", bytes(keyHex), "AES-GCM", true, ["encrypt"]);
                const wrapped = await subtle.wrapKey("raw", key, kek, "AES-KW");
                const unwrapped = await subtle.unwrapKey("raw", wrapped, kek, { name: "aes-kw" }, "AES-GCM", true, ["encrypt"]);
                return [hex(wrapped), hex(await subtle.exportKey("raw", unwrapped)) === keyHex, kek];
              };
              const [first, same, kek] = await wrap("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff");
              const [sixth, sixthSame] = await wrap(
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");
              const tampered = bytes(first); tampered[3] ^= 1;
              const altered = await subtle.unwrapKey("raw", tampered, kek, "AES-KW", "AES-GCM", true, ["encrypt"])
                .catch((error) => error.name);
              const encrypt = await subtle.encrypt("AES-KW", kek, new Uint8Array(16)).catch((error) => error.name);
              const usage = await subtle.importKey("raw", new Uint8Array(16), "AES-KW", false, ["encrypt"])
                .catch((error) => error.name);
              const generated = await subtle.generateKey({ name: "AES-KW", length: 256 }, false, ["wrapKey"]);
              return [first, same, sixth, sixthSame, altered, encrypt, usage, (await subtle.exportKey("jwk", kek)).alg,
                generated.algorithm, generated.usages];
            })()
            """)
        #expect(
            result == """
                ["1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5",true,\
                "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21",true,\
                "OperationError","InvalidAccessError","SyntaxError","A128KW",{"name":"AES-KW","length":256},["wrapKey"]]
                """)
    }

    @Test("AES-CTR: SP 800-38A F.5.1 both ways, the counter wrapping within its length bits, and bad parameters")
    func aesCTR() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const key = await subtle.importKey("raw", bytes("2b7e151628aed2a6abf7158809cf4f3c"), "AES-CTR", true, ["encrypt", "decrypt"]);
              const counter = bytes("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
              const plaintext = bytes("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51" +
                "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
              const ciphertext = await subtle.encrypt({ name: "AES-CTR", counter, length: 64 }, key, plaintext);
              const back = await subtle.decrypt({ name: "AES-CTR", counter, length: 64 }, key, ciphertext);
              // With 8 counter bits, the block after …ff is …00 (no carry into the byte before); 128 bits carry.
              const zeros = new Uint8Array(32);
              const wrapped = new Uint8Array(await subtle.encrypt({ name: "AES-CTR", counter: bytes("000000000000000000000000000001ff"), length: 8 }, key, zeros));
              const atZero = new Uint8Array(await subtle.encrypt({ name: "AES-CTR", counter: bytes("00000000000000000000000000000100"), length: 8 }, key, zeros.subarray(16)));
              const carried = new Uint8Array(await subtle.encrypt({ name: "AES-CTR", counter: bytes("000000000000000000000000000001ff"), length: 128 }, key, zeros));
              const atCarry = new Uint8Array(await subtle.encrypt({ name: "AES-CTR", counter: bytes("00000000000000000000000000000200"), length: 128 }, key, zeros.subarray(16)));
              const error = (params, data = zeros) => subtle.encrypt({ name: "AES-CTR", ...params }, key, data).catch((e) => `${e.name}: ${e.message}`);
              return [hex(ciphertext), hex(back) === hex(plaintext),
                hex(wrapped.subarray(16)) === hex(atZero), hex(carried.subarray(16)) === hex(atCarry),
                await error({ counter: new Uint8Array(12), length: 64 }), await error({ counter, length: 0 }),
                await error({ counter, length: 1 }, new Uint8Array(48))];
            })()
            """)
        #expect(
            result == """
                ["874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff\
                5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee",true,true,true,\
                "OperationError: AES-CTR counter must be 16 bytes long (provided 12 bytes).",\
                "OperationError: AES-CTR counter length must be between 1 and 128 bits (provided 0).",\
                "OperationError: AES-CTR counter would repeat: the data is longer than 2^1 blocks."]
                """)
    }

    @Test("X25519: RFC 7748 §6.1 through deriveBits, both ways, JWK and SPKI round trips, a small-order key refused")
    func x25519() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const pkcs8 = (key) => bytes("302e020100300506032b656e04220420" + key);
              const alice = await subtle.importKey("pkcs8", pkcs8("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"), "X25519", true, ["deriveBits", "deriveKey"]);
              const bob = await subtle.importKey("pkcs8", pkcs8("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"), { name: "X25519" }, false, ["deriveBits", "deriveKey"]);
              const alicePublic = await subtle.importKey("raw", bytes("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"), "X25519", true, []);
              const bobPublic = await subtle.importKey("raw", bytes("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), "X25519", true, []);
              const ab = hex(await subtle.deriveBits({ name: "X25519", public: bobPublic }, alice, 256));
              const ba = hex(await subtle.deriveBits({ name: "X25519", public: alicePublic }, bob, null));
              const jwk = await subtle.exportKey("jwk", alice);
              const spki = hex(await subtle.exportKey("spki", alicePublic));
              const fromJwk = await subtle.importKey("jwk", { kty: "OKP", crv: "X25519", x: jwk.x }, "X25519", true, []);
              const aesKey = await subtle.deriveKey({ name: "X25519", public: fromJwk }, bob, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
              const smallOrder = await subtle.importKey("raw", new Uint8Array(32), "X25519", true, []);
              const refused = await subtle.deriveBits({ name: "X25519", public: smallOrder }, alice, 256).catch((e) => e.name);
              const pair = await subtle.generateKey({ name: "X25519" }, true, ["deriveBits"]);
              const signUsage = await subtle.generateKey({ name: "X25519" }, true, ["sign"]).catch((e) => e.name);
              return [ab, ab === ba, jwk.crv, jwk.x.length, spki,
                hex(await subtle.exportKey("raw", aesKey)) === ab.slice(0, 32), refused,
                pair.publicKey.usages, pair.privateKey.algorithm, signUsage];
            })()
            """)
        #expect(
            result == """
                ["4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",true,"X25519",43,\
                "302a300506032b656e0321008520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",true,\
                "OperationError",[],{"name":"X25519"},"SyntaxError"]
                """)
    }

    @Test("HMAC-SHA-256: RFC 4231 test cases 1 and 2, verify, and a tampered MAC")
    func hmac() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const key1 = await subtle.importKey("raw", new Uint8Array(20).fill(0x0b), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
              const key2 = await subtle.importKey("raw", utf8("Jefe"), { name: "HMAC", hash: { name: "SHA-256" } }, false, ["sign", "verify"]);
              const mac = await subtle.sign("HMAC", key1, utf8("Hi There"));
              const tampered = new Uint8Array(mac).slice(); tampered[0] ^= 1;
              return [hex(mac), hex(await subtle.sign({ name: "HMAC" }, key2, utf8("what do ya want for nothing?"))),
                await subtle.verify("HMAC", key1, mac, utf8("Hi There")), await subtle.verify("HMAC", key1, tampered, utf8("Hi There")),
                key1.algorithm.name, key1.algorithm.hash.name, key1.algorithm.length, key1.type, key1.extractable, key1.usages];
            })()
            """)
        #expect(
            result == """
                ["b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",\
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",\
                true,false,"HMAC","SHA-256",160,"secret",false,["sign","verify"]]
                """)
    }

    @Test("Ed25519: RFC 8032 §7.1 tests 1 and 2 sign to the published signatures and verify; NODE-ED25519 too")
    func ed25519() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const cases = [
                ["9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", ""],
                ["4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72"],
              ];
              const out = [];
              for (const [seed, pub, message] of cases) {
                const jwk = { kty: "OKP", crv: "Ed25519", d: bytes(seed).toBase64({ alphabet: "base64url", omitPadding: true }),
                  x: bytes(pub).toBase64({ alphabet: "base64url", omitPadding: true }) };
                const privateKey = await subtle.importKey("jwk", jwk, "Ed25519", true, ["sign"]);
                const publicKey = await subtle.importKey("raw", bytes(pub), { name: "Ed25519" }, true, ["verify"]);
                const signature = await subtle.sign("Ed25519", privateKey, bytes(message));
                out.push(hex(signature), await subtle.verify("Ed25519", publicKey, signature, bytes(message)),
                  await subtle.verify("Ed25519", publicKey, signature, utf8("other")));
              }
              const node = await subtle.importKey("raw", bytes(cases[0][1]), { name: "NODE-ED25519", namedCurve: "NODE-ED25519" }, false, ["verify"]);
              out.push(await subtle.verify("NODE-ED25519", node, bytes(out[0]), new Uint8Array(0)), node.algorithm);
              return out;
            })()
            """)
        #expect(
            result == """
                ["e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",\
                true,false,\
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",\
                true,false,true,{"name":"NODE-ED25519","namedCurve":"NODE-ED25519"}]
                """)
    }

    @Test("HKDF-SHA-256: RFC 5869 test case 1, through deriveBits and deriveKey")
    func hkdf() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const ikm = await subtle.importKey("raw", new Uint8Array(22).fill(0x0b), "HKDF", false, ["deriveBits", "deriveKey"]);
              const params = { name: "HKDF", hash: "SHA-256", salt: bytes("000102030405060708090a0b0c"), info: bytes("f0f1f2f3f4f5f6f7f8f9") };
              const okm = await subtle.deriveBits(params, ikm, 42 * 8);
              const aes = await subtle.deriveKey(params, ikm, { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
              return [hex(okm), hex(await subtle.exportKey("raw", aes)), aes.algorithm];
            })()
            """)
        #expect(
            result == """
                ["3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",\
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",{"name":"AES-GCM","length":256}]
                """)
    }

    @Test("PBKDF2: RFC 7914 §11 SHA-256 vectors and RFC 6070 test 1 (SHA-1)")
    func pbkdf2() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const derive = async (password, salt, iterations, hash, bits) => hex(await subtle.deriveBits(
                { name: "PBKDF2", hash, salt: utf8(salt), iterations },
                await subtle.importKey("raw", utf8(password), { name: "PBKDF2" }, false, ["deriveBits"]), bits));
              return [await derive("passwd", "salt", 1, "SHA-256", 512), await derive("Password", "NaCl", 80000, "SHA-256", 512),
                await derive("password", "salt", 1, "SHA-1", 160)];
            })()
            """)
        #expect(
            result == """
                ["55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",\
                "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d",\
                "0c60c80f961f0e71f3a9b524af6012062fe037a6"]
                """)
    }

    @Test("AES-GCM: GCM spec test case 4 (with additional data), a shorter tag, and a tampered ciphertext")
    func aesGCM() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const key = await subtle.importKey("raw", bytes("feffe9928665731c6d6a8f9467308308"), "AES-GCM", false, ["encrypt", "decrypt"]);
              const params = { name: "AES-GCM", iv: bytes("cafebabefacedbaddecaf888"), additionalData: bytes("feedfacedeadbeeffeedfacedeadbeefabaddad2") };
              const plain = bytes("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
              const sealed = await subtle.encrypt(params, key, plain);
              const opened = await subtle.decrypt(params, key, sealed);
              const short = await subtle.encrypt({ ...params, tagLength: 96 }, key, plain);
              const tampered = new Uint8Array(sealed).slice(); tampered[3] ^= 1;
              return [hex(sealed), hex(opened) === hex(plain), hex(short) === hex(sealed).slice(0, -8),
                await rejected(() => subtle.decrypt(params, key, tampered))];
            })()
            """)
        #expect(
            result == """
                ["42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e0915bc94fbc3221a5db94fae95ae7121a47",\
                true,true,"OperationError: Decryption failed. This could be due to a ciphertext authentication failure, bad padding, \
                incorrect CryptoKey, or another algorithm-specific reason. Input length was 60, output length expected to be 60 for AES-GCM"]
                """)
    }

    @Test("AES-CBC: NIST SP 800-38A F.2.1 block, PKCS #7 padding and a bad-padding failure")
    func aesCBC() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const key = await subtle.importKey("raw", bytes("2b7e151628aed2a6abf7158809cf4f3c"), { name: "AES-CBC" }, true, ["encrypt", "decrypt"]);
              const params = { name: "AES-CBC", iv: bytes("000102030405060708090a0b0c0d0e0f") };
              const sealed = new Uint8Array(await subtle.encrypt(params, key, bytes("6bc1bee22e409f96e93d7e117393172a")));
              const opened = await subtle.decrypt(params, key, sealed);
              const wrongKey = await subtle.importKey("raw", new Uint8Array(16), "AES-CBC", false, ["decrypt"]);
              return [hex(sealed.subarray(0, 16)), sealed.length, hex(opened), (await rejected(() => subtle.decrypt(params, wrongKey, sealed))).split(".")[0]];
            })()
            """)
        #expect(result == #"["7649abac8119b246cee98e9b12e9197d",32,"6bc1bee22e409f96e93d7e117393172a","OperationError: Decryption failed"]"#)
    }

    @Test("RSASSA-PKCS1-v1_5: verifies OpenSSL's signature, reproduces it from the PKCS #8 key, rejects a tampered one")
    func rsa() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
              const publicKey = await subtle.importKey("spki", Uint8Array.fromBase64("\(CryptoTestVectors.rsaSPKI)"), algorithm, true, ["verify"]);
              const privateKey = await subtle.importKey("pkcs8", Uint8Array.fromBase64("\(CryptoTestVectors.rsaPKCS8)"), algorithm, true, ["sign"]);
              const known = bytes("\(CryptoTestVectors.rsaSignature)");
              const tampered = known.slice(); tampered[10] ^= 1;
              const jwk = await subtle.exportKey("jwk", privateKey);
              const again = await subtle.importKey("jwk", jwk, algorithm, false, ["sign"]);
              return [await subtle.verify("RSASSA-PKCS1-v1_5", publicKey, known, utf8("kindling")),
                hex(await subtle.sign("RSASSA-PKCS1-v1_5", privateKey, utf8("kindling"))) === hex(known),
                await subtle.verify("RSASSA-PKCS1-v1_5", publicKey, tampered, utf8("kindling")),
                hex(await subtle.sign("RSASSA-PKCS1-v1_5", again, utf8("kindling"))) === hex(known),
                publicKey.algorithm.modulusLength, Array.from(publicKey.algorithm.publicExponent), jwk.alg, jwk.kty, jwk.e,
                hex(await subtle.exportKey("spki", publicKey)) === hex(Uint8Array.fromBase64("\(CryptoTestVectors.rsaSPKI)"))];
            })()
            """)
        #expect(result == #"[true,true,false,true,2048,[1,0,1],"RS256","RSA","AQAB",true]"#)
    }

    @Test("RSA-PSS and RSA-OAEP: OpenSSL's PSS signature verifies, its OAEP ciphertext decrypts, and both round-trip")
    func rsaPSSAndOAEP() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const spki = Uint8Array.fromBase64("\(CryptoTestVectors.rsaSPKI)");
              const pkcs8 = Uint8Array.fromBase64("\(CryptoTestVectors.rsaPKCS8)");
              const pss = { name: "RSA-PSS", hash: "SHA-256" };
              const oaep = { name: "RSA-OAEP", hash: "SHA-256" };
              const verifyKey = await subtle.importKey("spki", spki, pss, false, ["verify"]);
              const signKey = await subtle.importKey("pkcs8", pkcs8, pss, false, ["sign"]);
              const known = bytes("\(CryptoTestVectors.rsaPSSSignature)");
              const fresh = await subtle.sign({ name: "RSA-PSS", saltLength: 32 }, signKey, utf8("kindling"));
              const decryptKey = await subtle.importKey("pkcs8", pkcs8, oaep, false, ["decrypt"]);
              const encryptKey = await subtle.importKey("spki", spki, oaep, true, ["encrypt"]);
              const sealed = await subtle.encrypt({ name: "RSA-OAEP" }, encryptKey, utf8("round trip"));
              return [await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, verifyKey, known, utf8("kindling")),
                await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, verifyKey, fresh, utf8("kindling")),
                await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, verifyKey, known, utf8("kindlinG")),
                new TextDecoder().decode(await subtle.decrypt({ name: "RSA-OAEP" }, decryptKey, bytes("\(CryptoTestVectors.rsaOAEPCiphertext)"))),
                new TextDecoder().decode(await subtle.decrypt({ name: "RSA-OAEP", label: new Uint8Array(0) }, decryptKey, sealed)),
                (await subtle.exportKey("jwk", encryptKey)).alg,
                await rejected(() => subtle.sign({ name: "RSA-PSS", saltLength: 20 }, signKey, utf8("x")))];
            })()
            """)
        #expect(
            result == """
                [true,true,false,"kindling secret","round trip","RSA-OAEP-256",\
                "NotSupportedError: Kindling supports RSA-PSS only with a salt as long as the hash (32 bytes; requested 20)."]
                """)
    }

    @Test("ECDH P-256: RFC 5903 §8.1 gives the published shared secret both ways; deriveKey and a short length truncate it")
    func ecdh() async throws {
        let result = try await evaluateCrypto(
            """
            (async () => {
              const b64 = (text) => bytes(text).toBase64({ alphabet: "base64url", omitPadding: true });
              const ecdh = { name: "ECDH", namedCurve: "P-256" };
              const initiator = await subtle.importKey("jwk", { kty: "EC", crv: "P-256",
                d: b64("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433"),
                x: b64("dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"),
                y: b64("5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3") }, ecdh, false, ["deriveBits", "deriveKey"]);
              const responder = await subtle.importKey("jwk", { kty: "EC", crv: "P-256",
                d: b64("c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53"),
                x: b64("d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"),
                y: b64("56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab") }, ecdh, false, ["deriveBits"]);
              const responderPublic = await subtle.importKey("raw",
                bytes("04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf6356fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab"),
                ecdh, true, []);
              const initiatorPublic = await subtle.importKey("raw",
                bytes("04dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c37725811805271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3"),
                ecdh, true, []);
              const aes = await subtle.deriveKey({ name: "ECDH", public: responderPublic }, initiator, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
              return [hex(await subtle.deriveBits({ name: "ECDH", public: responderPublic }, initiator, 256)),
                hex(await subtle.deriveBits({ name: "ECDH", public: initiatorPublic }, responder, null)),
                hex(await subtle.exportKey("raw", aes)),
                hex(await subtle.deriveBits({ name: "ECDH", public: responderPublic }, initiator, 12)),
                await rejected(() => subtle.deriveBits({ name: "ECDH", public: responder }, initiator, 256)),
                await rejected(() => subtle.deriveBits({ name: "ECDH", public: responderPublic }, initiator, 264))];
            })()
            """)
        #expect(
            result == """
                ["d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de",\
                "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de",\
                "d6840f6b42f6edafd13116e0e1256520","d680",\
                "InvalidAccessError: The provided key has type \\"private\\", not \\"public\\"",\
                "OperationError: Derived key length (264 bits) is too long (should be at most 256 bits)."]
                """)
    }
}
