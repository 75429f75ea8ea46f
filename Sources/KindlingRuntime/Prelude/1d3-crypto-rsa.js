// Kindling prelude: the RSA algorithms of crypto.subtle — RSASSA-PKCS1-v1_5, RSA-PSS and RSA-OAEP — over
// swift-crypto's _RSA. Key material: { priv, pub } with the private key as PKCS #1 DER and the public key as SPKI
// DER. swift-crypto fixes two parameters the spec leaves open, so only these are accepted: RSA-PSS with a salt as
// long as the hash, RSA-OAEP with SHA-1 or SHA-256 and no label.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const crypto = internal.crypto;
  // `view` turns the ArrayBuffers cryptoNative returns into byte arrays.
  const { domError, algorithms, view } = crypto;

  // The INTEGERs of a DER SEQUENCE (PKCS #1 RSAPrivateKey: version, n, e, d, p, q, dp, dq, qi), leading zeros off.
  function derIntegers(bytes) {
    let offset = 0;
    const length = () => {
      let value = bytes[offset++];
      if (value & 0x80) {
        let count = value & 0x7f;
        value = 0;
        while (count--) value = value * 256 + bytes[offset++];
      }
      return value;
    };
    if (bytes[offset++] !== 0x30) throw domError("OperationError", "Malformed RSA private key.");
    length();
    const integers = [];
    while (offset < bytes.length && bytes[offset] === 0x02) {
      offset++;
      const size = length();
      let start = offset;
      while (start < offset + size - 1 && bytes[start] === 0) start++;
      integers.push(bytes.subarray(start, offset + size));
      offset += size;
    }
    return integers;
  }

  // One RSA algorithm: `jwkAlg(hash)` is the JWK "alg" of its keys, `kinds` the usages by key type, `operations`
  // its sign/verify or encrypt/decrypt.
  function rsaAlgorithm(name, jwkAlg, kinds, operations) {
    function makeKey(type, imported, hash, extractable, requested, generating) {
      const [priv, pub, modulusLength, exponent] = imported;
      const algorithm = () => ({ name, modulusLength, publicExponent: view(exponent), hash: { name: hash } });
      const material = { priv: priv === null ? undefined : view(priv), pub: view(pub) };
      if (generating) return crypto.keyPair(algorithm, material, extractable, requested, name, kinds);
      return crypto.importedKey(type, algorithm(), material, extractable, requested, name, kinds);
    }
    return {
      import(format, keyData, params, extractable, requested) {
        const hash = crypto.hash(params.hash);
        const make = (type, operation, ...args) => makeKey(type, crypto.call(operation, ...args), hash, extractable, requested);
        switch (format) {
          case "spki": return make("public", "rsaImportPublic", crypto.copy(keyData));
          case "pkcs8": return make("private", "rsaImportPrivate", crypto.copy(keyData));
          case "jwk": {
            crypto.checkJwk(keyData, extractable, requested, name);
            crypto.checkKty(keyData, "RSA", name);
            const expected = jwkAlg(hash);
            if (keyData.alg !== undefined && keyData.alg !== expected) {
              throw domError("DataError", `${name} "jwk" key import specifies "alg" "${keyData.alg}", expected "${expected}".`);
            }
            const part = (member) => crypto.jwkBytes(keyData, member, `${name} "jwk" key import requires a base64Url encoding of the key`);
            if (keyData.d === undefined) return make("public", "rsaImportPublicJWK", part("n"), part("e"));
            return make("private", "rsaImportPrivateJWK", part("n"), part("e"), part("d"), part("p"), part("q"));
          }
        }
        throw domError("NotSupportedError", `Unrecognized key import format "${format}".`);
      },
      generate(params, extractable, requested) {
        const hash = crypto.hash(params.hash);
        if (params.modulusLength === undefined) throw new TypeError("Missing field \"modulusLength\" in \"algorithm\".");
        if (!crypto.isBufferSource(params.publicExponent)) throw new TypeError("Missing field \"publicExponent\" in \"algorithm\".");
        const imported = crypto.call("rsaGenerate", Number(params.modulusLength), crypto.copy(params.publicExponent));
        return makeKey("private", imported, hash, extractable, requested, true);
      },
      export(format, key) {
        const { priv, pub } = crypto.material(key);
        switch (format) {
          case "spki": crypto.requireType(key, "public", format); return pub.slice().buffer;
          case "pkcs8": crypto.requireType(key, "private", format); return crypto.call("rsaExportPKCS8", priv);
          case "jwk": {
            const jwk = { kty: "RSA", alg: jwkAlg(key.algorithm.hash.name) };
            if (priv) {
              const [, n, e, d, p, q, dp, dq, qi] = derIntegers(priv);
              Object.assign(jwk, { n, e, d, p, q, dp, dq, qi });
            } else {
              const [n, e] = crypto.call("rsaPublicNumbers", pub).map(view);
              Object.assign(jwk, { n: n.subarray(n.findIndex((byte) => byte !== 0)), e });
            }
            for (const member of ["n", "e", "d", "p", "q", "dp", "dq", "qi"]) {
              if (jwk[member] !== undefined) jwk[member] = crypto.base64url(jwk[member]);
            }
            return Object.assign(jwk, { key_ops: [...key.usages], ext: key.extractable });
          }
        }
        throw domError("NotSupportedError", `Unrecognized key export format "${format}".`);
      },
      ...operations,
    };
  }

  const signing = { private: ["sign"], public: ["verify"] };
  // Signature operations for one padding ("pkcs1" or "pss"); `check(params, key)` vets the call's parameters.
  const signatures = (padding, check) => ({
    sign(params, key, data) {
      check(params, key);
      return crypto.call("rsaSign", key.algorithm.hash.name, crypto.material(key).priv, data, padding);
    },
    verify(params, key, signature, data) {
      check(params, key);
      return crypto.call("rsaVerify", key.algorithm.hash.name, crypto.material(key).pub, crypto.copy(signature), data, padding);
    },
  });

  algorithms["RSASSA-PKCS1-v1_5"] = rsaAlgorithm(
    "RSASSA-PKCS1-v1_5", (hash) => `RS${hash.slice(4)}`, signing, signatures("pkcs1", () => {}));

  algorithms["RSA-PSS"] = rsaAlgorithm("RSA-PSS", (hash) => `PS${hash.slice(4)}`, signing, signatures("pss", (params, key) => {
    if (params.saltLength === undefined) {
      throw new TypeError("Failed to provide salt for RSA-PSS key operation which requires a salt");
    }
    const expected = crypto.hashByteLength[key.algorithm.hash.name];
    if (Number(params.saltLength) !== expected) {
      throw domError("NotSupportedError",
        `Kindling supports RSA-PSS only with a salt as long as the hash (${expected} bytes; requested ${params.saltLength}).`);
    }
  }));

  function oaepCheck(params, key) {
    if (params.label !== undefined && crypto.member(params, "label").length > 0) {
      throw domError("NotSupportedError", "Kindling does not support RSA-OAEP labels.");
    }
    const hash = key.algorithm.hash.name;
    if (hash !== "SHA-1" && hash !== "SHA-256") {
      throw domError("NotSupportedError", `Kindling supports RSA-OAEP with SHA-1 and SHA-256 only (the key uses ${hash}).`);
    }
  }
  algorithms["RSA-OAEP"] = rsaAlgorithm(
    "RSA-OAEP", (hash) => (hash === "SHA-1" ? "RSA-OAEP" : `RSA-OAEP-${hash.slice(4)}`),
    { private: ["decrypt", "unwrapKey"], public: ["encrypt", "wrapKey"] },
    {
      encrypt(params, key, data) {
        oaepCheck(params, key);
        return crypto.call("rsaEncrypt", key.algorithm.hash.name, crypto.material(key).pub, data);
      },
      decrypt(params, key, data) {
        oaepCheck(params, key);
        return crypto.call("rsaDecrypt", key.algorithm.hash.name, crypto.material(key).priv, data);
      },
    });
})();
