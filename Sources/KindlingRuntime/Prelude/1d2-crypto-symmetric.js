// Kindling prelude: the secret-key algorithms of crypto.subtle — HMAC, AES-GCM, AES-CBC, AES-CTR, AES-KW, PBKDF2,
// HKDF. Each is an entry of internal.crypto.algorithms with the operations it supports (see 1d4-crypto-subtle.js
// for the callers). A secret key's material is its bytes (a Uint8Array).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const crypto = internal.crypto;
  const { domError } = crypto;
  const algorithms = (crypto.algorithms = {});

  // Raw bytes or a JWK of kty "oct" (RFC 7518 §6.4); `expectedAlg` is the JWK "alg" that goes with the key.
  function importSecret(format, keyData, name, extractable, usages, expectedAlg) {
    if (format === "raw") return crypto.copy(keyData);
    if (format !== "jwk") throw domError("NotSupportedError", `Unrecognized key import format "${format}".`);
    crypto.checkJwk(keyData, extractable, usages, name);
    if (keyData.kty !== "oct") {
      throw domError("DataError",
        `${name} "jwk" key import requires a JSON Web Key with Key Type parameter ("kty") equal to "oct" (encountered "${keyData.kty}").`);
    }
    const bytes = crypto.jwkBytes(keyData, "k", `${name} "jwk" key import requires a base64Url encoding of the key`);
    const alg = expectedAlg(bytes.length);
    if (keyData.alg !== undefined && keyData.alg !== alg) {
      throw domError("DataError",
        `${name} "jwk" key import specifies "alg" that is incompatible with the key (encountered "${keyData.alg}", expected "${alg}").`);
    }
    return bytes;
  }

  function exportSecret(format, key, alg) {
    const bytes = crypto.material(key);
    if (format === "raw") return bytes.slice().buffer;
    if (format === "jwk") return { kty: "oct", k: crypto.base64url(bytes), alg, key_ops: [...key.usages], ext: true };
    throw domError("NotSupportedError", `${key.algorithm.name} key only supports exporting "raw" & "jwk", not "${format}".`);
  }

  const randomBytes = (length) => {
    const bytes = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 65536) globalThis.crypto.getRandomValues(bytes.subarray(offset, offset + 65536));
    return bytes;
  };

  // ---------------------------------------------------------------- HMAC
  const hmacUsages = ["sign", "verify"];
  function hmacKey(bytes, hash, length, extractable, usages) {
    return crypto.key("secret", extractable, { name: "HMAC", hash: { name: hash }, length }, usages, bytes);
  }
  algorithms.HMAC = {
    import(format, keyData, params, extractable, requested) {
      const hash = crypto.hash(params.hash);
      const usages = crypto.usages(requested, hmacUsages, "import secret", "HMAC");
      const bytes = importSecret(format, keyData, "HMAC", extractable, usages, () => `HS${hash.slice(4)}`);
      const keySize = bytes.length * 8;
      const length = params.length === undefined ? keySize : Number(params.length);
      if (length === 0 || length > keySize || length <= keySize - 8) {
        throw domError("DataError",
          `Imported HMAC key length (${length}) must be a non-zero value up to 7 bits less than, and no greater than, the bit length of the raw key data (${keySize}).`);
      }
      return hmacKey(bytes, hash, length, extractable, usages);
    },
    generate(params, extractable, requested) {
      const hash = crypto.hash(params.hash);
      const usages = crypto.usages(requested, hmacUsages, "generate", "HMAC");
      const length = params.length === undefined ? crypto.hashBlockLength[hash] * 8 : Number(params.length);
      if (!(length > 0)) {
        throw domError("OperationError", `HMAC key length must be a non-zero unsigned long integer (requested ${length}).`);
      }
      const bytes = randomBytes(Math.ceil(length / 8));
      // Unused trailing bits are zero, as in Chrome and workerd.
      if (length % 8) bytes[bytes.length - 1] &= 0xff00 >> (length % 8);
      return hmacKey(bytes, hash, length, extractable, usages);
    },
    export: (format, key) => exportSecret(format, key, `HS${key.algorithm.hash.name.slice(4)}`),
    sign: (params, key, data) => crypto.call("hmac", key.algorithm.hash.name, crypto.material(key), data),
    verify(params, key, signature, data) {
      const mac = new Uint8Array(crypto.call("hmac", key.algorithm.hash.name, crypto.material(key), data));
      return mac.length === signature.byteLength && crypto.call("timingSafeEqual", mac, signature);
    },
  };

  // ---------------------------------------------------------------- AES
  const aesUsages = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
  function aesAlgorithm(name, mode, operations, allowed = aesUsages) {
    return {
      import(format, keyData, params, extractable, requested) {
        const usages = crypto.usages(requested, allowed, "import secret", name);
        const bytes = importSecret(format, keyData, name, extractable, usages, (length) => `A${length * 8}${mode}`);
        if (![16, 24, 32].includes(bytes.length)) {
          throw domError("DataError",
            `Imported AES key length must be 128, 192, or 256 bits but provided ${bytes.length * 8}.`);
        }
        return crypto.key("secret", extractable, { name, length: bytes.length * 8 }, usages, bytes);
      },
      generate(params, extractable, requested) {
        if (params.length === undefined) throw new TypeError("Missing field \"length\" in \"algorithm\".");
        const length = Number(params.length);
        if (![128, 192, 256].includes(length)) throw domError("OperationError", "AES key length must be 128, 192, or 256 bits.");
        const usages = crypto.usages(requested, allowed, "generate", name);
        return crypto.key("secret", extractable, { name, length }, usages, randomBytes(length / 8));
      },
      export: (format, key) => exportSecret(format, key, `A${key.algorithm.length}${mode}`),
      ...operations,
    };
  }

  function gcmParams(params) {
    const iv = crypto.member(params, "iv");
    if (iv.length === 0) throw domError("OperationError", "AES-GCM IV must not be empty.");
    const tagLength = params.tagLength === undefined ? 128 : Number(params.tagLength);
    if (![32, 64, 96, 104, 112, 120, 128].includes(tagLength)) {
      throw domError("OperationError", `Invalid AES-GCM tag length ${tagLength}.`);
    }
    return { iv, additionalData: crypto.member(params, "additionalData", true), tagBytes: tagLength / 8 };
  }
  algorithms["AES-GCM"] = aesAlgorithm("AES-GCM", "GCM", {
    encrypt(params, key, data) {
      const { iv, additionalData, tagBytes } = gcmParams(params);
      return crypto.call("gcmEncrypt", crypto.material(key), iv, additionalData, tagBytes, data);
    },
    decrypt(params, key, data) {
      const { iv, additionalData, tagBytes } = gcmParams(params);
      if (data.byteLength < tagBytes) {
        throw domError("OperationError",
          `Ciphertext length of ${data.byteLength * 8} bits must be greater than or equal to the size of the AES-GCM tag length of ${tagBytes * 8} bits.`);
      }
      return crypto.call("gcmDecrypt", crypto.material(key), iv, additionalData, tagBytes, data);
    },
  });

  function cbcIV(params) {
    const iv = crypto.member(params, "iv");
    if (iv.length !== 16) throw domError("OperationError", `AES-CBC IV must be 16 bytes long (provided ${iv.length} bytes).`);
    return iv;
  }
  algorithms["AES-CBC"] = aesAlgorithm("AES-CBC", "CBC", {
    encrypt: (params, key, data) => crypto.call("cbcEncrypt", crypto.material(key), cbcIV(params), data),
    decrypt: (params, key, data) => crypto.call("cbcDecrypt", crypto.material(key), cbcIV(params), data),
  });

  // AES-CTR: `counter` is the whole 16-byte counter block, `length` how many of its rightmost bits count.
  function ctr(params, key, data) {
    const counter = crypto.member(params, "counter");
    if (params.length === undefined) throw new TypeError("Missing field \"length\" in \"algorithm\".");
    return crypto.call("ctr", crypto.material(key), counter, Number(params.length), data);
  }
  algorithms["AES-CTR"] = aesAlgorithm("AES-CTR", "CTR", { encrypt: ctr, decrypt: ctr });

  // AES-KW (RFC 3394) keys only wrap and unwrap other keys; nothing else can be encrypted with them.
  algorithms["AES-KW"] = aesAlgorithm("AES-KW", "KW", {
    wrapKey: (params, key, data) => crypto.call("kwWrap", crypto.material(key), data),
    unwrapKey: (params, key, data) => crypto.call("kwUnwrap", crypto.material(key), data),
  }, ["wrapKey", "unwrapKey"]);

  // ---------------------------------------------------------------- PBKDF2 and HKDF
  // Key-derivation keys: raw import only, never extractable, usable only to derive.
  function kdfAlgorithm(name, derive) {
    return {
      import(format, keyData, params, extractable, requested) {
        if (format !== "raw") throw domError("NotSupportedError", `${name} key must be imported in "raw" format (requested "${format}")`);
        if (extractable) throw domError("SyntaxError", `${name} key cannot be extractable.`);
        const usages = crypto.usages(requested, ["deriveKey", "deriveBits"], "import secret", name);
        return crypto.key("secret", false, { name }, usages, crypto.copy(keyData));
      },
      deriveBits(params, key, length) {
        const hash = crypto.hash(params.hash);
        const salt = crypto.member(params, "salt");
        if (length === null) throw domError("OperationError", `${name} cannot derive a key with null length.`);
        if (length % 8 !== 0) throw domError("OperationError", `${name} requires a derived key length that is a multiple of eight.`);
        if (length === 0) return new ArrayBuffer(0);
        return derive(params, hash, crypto.material(key), salt, length / 8);
      },
    };
  }
  // Workers caps PBKDF2 iterations (the platform's limit, so workers that pass here pass there).
  const maxPBKDF2Iterations = 100000;
  algorithms.PBKDF2 = kdfAlgorithm("PBKDF2", (params, hash, password, salt, byteLength) => {
    if (params.iterations === undefined) throw new TypeError("Missing field \"iterations\" in \"algorithm\".");
    const iterations = Number(params.iterations);
    if (!(iterations > 0)) throw domError("OperationError", `PBKDF2 requires a positive iteration count (requested ${iterations}).`);
    if (iterations > maxPBKDF2Iterations) {
      throw domError("NotSupportedError",
        `Pbkdf2 failed: iteration counts above ${maxPBKDF2Iterations} are not supported (requested ${iterations}).`);
    }
    return crypto.call("pbkdf2", hash, password, salt, iterations, byteLength);
  });
  algorithms.HKDF = kdfAlgorithm("HKDF", (params, hash, key, salt, byteLength) => {
    const info = crypto.member(params, "info");
    if (byteLength > 255 * crypto.hashByteLength[hash]) {
      throw domError("OperationError", `HKDF cannot derive more than ${255 * crypto.hashByteLength[hash] * 8} bits with ${hash}.`);
    }
    return crypto.call("hkdf", hash, key, salt, info, byteLength);
  });
})();
