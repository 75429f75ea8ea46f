// Kindling prelude: the elliptic-curve algorithms of crypto.subtle — ECDSA (P-256, P-384, P-521) and Ed25519 (also
// under Workers' older name NODE-ED25519) — and the key-pair helpers the RSA file (1d3-crypto-rsa.js) shares. Key
// material: { priv, pub } as bytes — EC keys as the raw scalar and uncompressed X9.63 point, Ed25519 as seed and
// public key. A public key has no `priv`.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const crypto = internal.crypto;
  const { domError, algorithms } = crypto;
  const view = (buffer) => new Uint8Array(buffer);

  // Usage lists and import contexts by key type, and the key pair generateKey returns.
  const signing = { private: ["sign"], public: ["verify"] };
  const importContext = { private: "import private", public: "import public" };
  // `kinds` gives the usages each key type may have (signing keys by default; RSA-OAEP passes its own).
  function keyPair(algorithm, material, extractable, requested, name, kinds = signing) {
    const usages = crypto.usages(requested, [...kinds.private, ...kinds.public], "generate", name);
    const privateUsages = usages.filter((usage) => kinds.private.includes(usage));
    if (privateUsages.length === 0) {
      throw domError("SyntaxError", "Attempt to generate asymmetric keys with no valid private key usages.");
    }
    const { priv, ...publicMaterial } = material;
    return {
      publicKey: crypto.key("public", true, algorithm(), usages.filter((usage) => kinds.public.includes(usage)), publicMaterial),
      privateKey: crypto.key("private", extractable, algorithm(), privateUsages, material),
    };
  }
  // The key for `material`, its usages checked against its type.
  function importedKey(type, algorithm, material, extractable, requested, name, kinds = signing) {
    const usages = crypto.usages(requested, kinds[type], importContext[type], name);
    return crypto.key(type, extractable, algorithm, usages, material);
  }
  const sameBytes = (a, b) => a.length === b.length && a.every((byte, index) => byte === b[index]);
  function requireType(key, type, format) {
    if (key.type !== type) {
      throw domError("InvalidAccessError", `Export of a ${key.type} key in "${format}" format is not supported; it needs a ${type} key.`);
    }
  }
  function checkKty(jwk, kty, name) {
    if (jwk.kty !== kty) {
      throw domError("DataError",
        `${name} "jwk" key import requires a JSON Web Key with Key Type parameter ("kty") equal to "${kty}" (encountered "${jwk.kty}").`);
    }
  }

  // ---------------------------------------------------------------- ECDSA
  const curveBytes = { "P-256": 32, "P-384": 48, "P-521": 66 };
  const curveAlg = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" };
  function namedCurve(params) {
    if (params.namedCurve === undefined) throw new TypeError("Missing field \"namedCurve\" in \"algorithm\".");
    const curve = String(params.namedCurve);
    if (!(curve in curveBytes)) throw domError("NotSupportedError", `Unsupported namedCurve "${curve}".`);
    return curve;
  }
  algorithms.ECDSA = {
    import(format, keyData, params, extractable, requested) {
      const curve = namedCurve(params);
      const algorithm = { name: "ECDSA", namedCurve: curve };
      const make = (type, material) => importedKey(type, algorithm, material, extractable, requested, "ECDSA");
      switch (format) {
        case "raw": return make("public", { curve, pub: view(crypto.call("ecImportPublic", curve, crypto.copy(keyData), null)) });
        case "spki": return make("public", { curve, pub: view(crypto.call("ecImportPublic", curve, null, crypto.copy(keyData))) });
        case "pkcs8": {
          const [priv, pub] = crypto.call("ecImportPrivate", curve, null, crypto.copy(keyData));
          return make("private", { curve, priv: view(priv), pub: view(pub) });
        }
        case "jwk": {
          crypto.checkJwk(keyData, extractable, requested, "ECDSA");
          checkKty(keyData, "EC", "ECDSA");
          if (keyData.crv !== curve) {
            throw domError("DataError", `ECDSA "jwk" key import "crv" (${keyData.crv}) does not match the namedCurve ${curve}.`);
          }
          const what = "ECDSA \"jwk\" key import requires a base64Url encoding of the key";
          const point = crypto.concat([4], crypto.jwkBytes(keyData, "x", what), crypto.jwkBytes(keyData, "y", what));
          if (keyData.d === undefined) return make("public", { curve, pub: view(crypto.call("ecImportPublic", curve, point, null)) });
          const [priv, pub] = crypto.call("ecImportPrivate", curve, crypto.jwkBytes(keyData, "d", what), null);
          if (!sameBytes(view(pub), point)) throw domError("DataError", "ECDSA \"jwk\" key import: \"x\" and \"y\" do not match \"d\".");
          return make("private", { curve, priv: view(priv), pub: view(pub) });
        }
      }
      throw domError("NotSupportedError", `Unrecognized key import format "${format}".`);
    },
    generate(params, extractable, requested) {
      const curve = namedCurve(params);
      const [priv, pub] = crypto.call("ecGenerate", curve);
      return keyPair(() => ({ name: "ECDSA", namedCurve: curve }), { curve, priv: view(priv), pub: view(pub) }, extractable, requested, "ECDSA");
    },
    export(format, key) {
      const { curve, priv, pub } = crypto.material(key);
      switch (format) {
        case "raw": requireType(key, "public", format); return pub.slice().buffer;
        case "spki": requireType(key, "public", format); return crypto.call("ecExportSPKI", curve, pub);
        case "pkcs8": requireType(key, "private", format); return crypto.call("ecExportPKCS8", curve, priv);
        case "jwk": {
          const size = curveBytes[curve];
          const jwk = { kty: "EC", crv: curve, x: crypto.base64url(pub.subarray(1, 1 + size)), y: crypto.base64url(pub.subarray(1 + size)) };
          if (priv) jwk.d = crypto.base64url(priv);
          return Object.assign(jwk, { key_ops: [...key.usages], ext: key.extractable });
        }
      }
      throw domError("NotSupportedError", `Unrecognized key export format "${format}".`);
    },
    sign(params, key, data) {
      const { curve, priv } = crypto.material(key);
      return crypto.call("ecdsaSign", curve, crypto.hash(params.hash), priv, data);
    },
    verify(params, key, signature, data) {
      const { curve, pub } = crypto.material(key);
      return crypto.call("ecdsaVerify", curve, crypto.hash(params.hash), pub, crypto.copy(signature), data);
    },
  };

  // ---------------------------------------------------------------- Ed25519
  // The fixed DER around a 32-byte Ed25519 key (RFC 8410): SPKI and PKCS #8 with the OID 1.3.101.112.
  const edSPKI = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);
  const edPKCS8 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
  function unwrapDER(bytes, prefix, what) {
    if (bytes.length !== prefix.length + 32 || !sameBytes(bytes.subarray(0, prefix.length), prefix)) {
      throw domError("DataError", `Invalid ${what} for an Ed25519 key.`);
    }
    return bytes.slice(prefix.length);
  }
  function edAlgorithm(name) {
    const algorithm = () => (name === "Ed25519" ? { name } : { name, namedCurve: name });
    const checkCurve = (params) => {
      if (name === "Ed25519") return;
      if (params.namedCurve === undefined) throw new TypeError("Missing field \"namedCurve\" in \"algorithm\".");
      if (params.namedCurve !== name) throw domError("NotSupportedError", `EDDSA curve "${params.namedCurve}" isn't supported.`);
    };
    const privateKey = (seed) => ({ priv: seed, pub: view(crypto.call("edPublic", seed)) });
    const publicKey = (pub) => { crypto.call("edCheckPublic", pub); return { pub }; };
    return {
      import(format, keyData, params, extractable, requested) {
        checkCurve(params);
        const make = (type, material) => importedKey(type, algorithm(), material, extractable, requested, name);
        switch (format) {
          case "raw": return make("public", publicKey(crypto.copy(keyData)));
          case "spki": return make("public", publicKey(unwrapDER(crypto.copy(keyData), edSPKI, "SPKI")));
          case "pkcs8": return make("private", privateKey(unwrapDER(crypto.copy(keyData), edPKCS8, "PKCS #8")));
          case "jwk": {
            crypto.checkJwk(keyData, extractable, requested, name);
            checkKty(keyData, "OKP", name);
            if (keyData.crv !== "Ed25519") throw domError("DataError", `${name} "jwk" key import requires "crv" "Ed25519" (encountered "${keyData.crv}").`);
            const what = `${name} "jwk" key import requires a base64Url encoding of the key`;
            const x = crypto.jwkBytes(keyData, "x", what);
            if (keyData.d === undefined) return make("public", publicKey(x));
            const material = privateKey(crypto.jwkBytes(keyData, "d", what));
            if (!sameBytes(material.pub, x)) throw domError("DataError", `${name} "jwk" key import: "x" does not match "d".`);
            return make("private", material);
          }
        }
        throw domError("NotSupportedError", `Unrecognized key import format "${format}".`);
      },
      generate(params, extractable, requested) {
        checkCurve(params);
        const [priv, pub] = crypto.call("edGenerate");
        return keyPair(algorithm, { priv: view(priv), pub: view(pub) }, extractable, requested, name);
      },
      export(format, key) {
        const { priv, pub } = crypto.material(key);
        switch (format) {
          case "raw": requireType(key, "public", format); return pub.slice().buffer;
          case "spki": requireType(key, "public", format); return crypto.concat(edSPKI, pub).buffer;
          case "pkcs8": requireType(key, "private", format); return crypto.concat(edPKCS8, priv).buffer;
          case "jwk": {
            const jwk = { kty: "OKP", crv: "Ed25519", x: crypto.base64url(pub) };
            if (priv) jwk.d = crypto.base64url(priv);
            return Object.assign(jwk, { key_ops: [...key.usages], ext: key.extractable });
          }
        }
        throw domError("NotSupportedError", `Unrecognized key export format "${format}".`);
      },
      sign: (params, key, data) => crypto.call("edSign", crypto.material(key).priv, data),
      verify: (params, key, signature, data) => crypto.call("edVerify", crypto.material(key).pub, crypto.copy(signature), data),
    };
  }
  algorithms.Ed25519 = edAlgorithm("Ed25519");
  algorithms["NODE-ED25519"] = edAlgorithm("NODE-ED25519");

  Object.assign(crypto, { keyPair, importedKey, requireType, checkKty });
})();
