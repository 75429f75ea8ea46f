// Kindling prelude: the elliptic-curve algorithms of crypto.subtle — ECDSA and ECDH (P-256, P-384, P-521), X25519,
// Ed25519 (also under Workers' older name NODE-ED25519) — and the key-pair helpers the RSA file (1d3-crypto-rsa.js)
// shares. Key material: { priv, pub } as bytes — EC keys as the raw scalar and uncompressed X9.63 point, Ed25519 and
// X25519 as private and public key. A public key has no `priv`.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const crypto = internal.crypto;
  // `view` turns the ArrayBuffers cryptoNative returns into byte arrays.
  const { domError, algorithms, view } = crypto;

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

  // ---------------------------------------------------------------- ECDSA and ECDH
  const curveBytes = { "P-256": 32, "P-384": 48, "P-521": 66 };
  function namedCurve(params) {
    if (params.namedCurve === undefined) throw new TypeError("Missing field \"namedCurve\" in \"algorithm\".");
    const curve = String(params.namedCurve);
    if (!(curve in curveBytes)) throw domError("NotSupportedError", `Unsupported namedCurve "${curve}".`);
    return curve;
  }
  // An algorithm over NIST-curve keys: import, export and generation are shared; `kinds` gives the usages by key
  // type and `operations` what the keys do.
  const ecAlgorithm = (name, kinds, operations) => ({
    import(format, keyData, params, extractable, requested) {
      const curve = namedCurve(params);
      const algorithm = { name, namedCurve: curve };
      const make = (type, material) => importedKey(type, algorithm, material, extractable, requested, name, kinds);
      switch (format) {
        case "raw": return make("public", { curve, pub: view(crypto.call("ecImportPublic", curve, crypto.copy(keyData), null)) });
        case "spki": return make("public", { curve, pub: view(crypto.call("ecImportPublic", curve, null, crypto.copy(keyData))) });
        case "pkcs8": {
          const [priv, pub] = crypto.call("ecImportPrivate", curve, null, crypto.copy(keyData));
          return make("private", { curve, priv: view(priv), pub: view(pub) });
        }
        case "jwk": {
          crypto.checkJwk(keyData, extractable, requested, name);
          checkKty(keyData, "EC", name);
          if (keyData.crv !== curve) {
            throw domError("DataError", `${name} "jwk" key import "crv" (${keyData.crv}) does not match the namedCurve ${curve}.`);
          }
          const what = `${name} "jwk" key import requires a base64Url encoding of the key`;
          const point = crypto.concat([4], crypto.jwkBytes(keyData, "x", what), crypto.jwkBytes(keyData, "y", what));
          if (keyData.d === undefined) return make("public", { curve, pub: view(crypto.call("ecImportPublic", curve, point, null)) });
          const [priv, pub] = crypto.call("ecImportPrivate", curve, crypto.jwkBytes(keyData, "d", what), null);
          if (!sameBytes(view(pub), point)) throw domError("DataError", `${name} "jwk" key import: "x" and "y" do not match "d".`);
          return make("private", { curve, priv: view(priv), pub: view(pub) });
        }
      }
      throw domError("NotSupportedError", `Unrecognized key import format "${format}".`);
    },
    generate(params, extractable, requested) {
      const curve = namedCurve(params);
      const [priv, pub] = crypto.call("ecGenerate", curve);
      const material = { curve, priv: view(priv), pub: view(pub) };
      return keyPair(() => ({ name, namedCurve: curve }), material, extractable, requested, name, kinds);
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
    ...operations,
  });

  algorithms.ECDSA = ecAlgorithm("ECDSA", signing, {
    sign(params, key, data) {
      const { curve, priv } = crypto.material(key);
      return crypto.call("ecdsaSign", curve, crypto.hash(params.hash), priv, data);
    },
    verify(params, key, signature, data) {
      const { curve, pub } = crypto.material(key);
      return crypto.call("ecdsaVerify", curve, crypto.hash(params.hash), pub, crypto.copy(signature), data);
    },
  });

  // ECDH public keys have no usages: they are only ever the `public` member of the private key's deriveBits.
  algorithms.ECDH = ecAlgorithm("ECDH", { private: ["deriveKey", "deriveBits"], public: [] }, {
    deriveBits(params, key, length) {
      const peer = peerKey(params, "ECDH");
      const { curve, priv } = crypto.material(key);
      if (peer.algorithm.namedCurve !== curve) {
        throw domError("InvalidAccessError", `The public key's curve ${peer.algorithm.namedCurve} is not the private key's ${curve}.`);
      }
      return truncatedBits(crypto.call("ecdh", curve, priv, crypto.material(peer).pub), length);
    },
  });

  // The `public` member of a key agreement's params: a public key of the same algorithm.
  function peerKey(params, name) {
    const peer = params.public;
    if (peer === undefined) throw new TypeError("Missing field \"public\" in \"derivedKeyParams\".");
    if (!crypto.isKey(peer)) throw new TypeError("Field \"public\" in \"derivedKeyParams\" must be a CryptoKey.");
    if (peer.type !== "public") throw domError("InvalidAccessError", `The provided key has type "${peer.type}", not "public"`);
    if (peer.algorithm.name !== name) {
      throw domError("InvalidAccessError", "Public key algorithm does not match the requested algorithm.");
    }
    return peer;
  }
  // The first `length` bits of a shared secret (all of it for null).
  function truncatedBits(shared, length) {
    const secret = new Uint8Array(shared);
    if (length === null) return secret.buffer;
    if (length > secret.length * 8) {
      throw domError("OperationError", `Derived key length (${length} bits) is too long (should be at most ${secret.length * 8} bits).`);
    }
    const bits = secret.slice(0, Math.ceil(length / 8));
    if (length % 8) bits[bits.length - 1] &= 0xff00 >> (length % 8);
    return bits.buffer;
  }

  // ---------------------------------------------------------------- Ed25519 and X25519
  // The two RFC 8410 curves: 32-byte keys in fixed DER (SPKI and PKCS #8 with the OID 1.3.101.112 or .110), JWK as
  // an "OKP" key. Ed25519 signs; X25519 derives (its public keys have no usages, like ECDH's).
  const curves = {
    Ed25519: { oid: 0x70, native: "ed", kinds: signing },
    X25519: { oid: 0x6e, native: "x", kinds: { private: ["deriveKey", "deriveBits"], public: [] } },
  };
  for (const curve of Object.values(curves)) {
    curve.spki = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, curve.oid, 0x03, 0x21, 0x00);
    curve.pkcs8 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, curve.oid, 0x04, 0x22, 0x04, 0x20);
  }
  function unwrapDER(bytes, prefix, what, crv) {
    if (bytes.length !== prefix.length + 32 || !sameBytes(bytes.subarray(0, prefix.length), prefix)) {
      throw domError("DataError", `Invalid ${what} for an ${crv} key.`);
    }
    return bytes.slice(prefix.length);
  }
  // `name` is the algorithm (NODE-ED25519 is Ed25519 under workerd's older name, with a namedCurve); `crv` the curve.
  function okpAlgorithm(name, crv, operations) {
    const curve = curves[crv];
    const algorithm = () => (name === crv ? { name } : { name, namedCurve: name });
    const checkCurve = (params) => {
      if (name === crv) return;
      if (params.namedCurve === undefined) throw new TypeError("Missing field \"namedCurve\" in \"algorithm\".");
      if (params.namedCurve !== name) throw domError("NotSupportedError", `EDDSA curve "${params.namedCurve}" isn't supported.`);
    };
    const privateKey = (priv) => ({ priv, pub: view(crypto.call(`${curve.native}Public`, priv)) });
    const publicKey = (pub) => { crypto.call(`${curve.native}CheckPublic`, pub); return { pub }; };
    return {
      import(format, keyData, params, extractable, requested) {
        checkCurve(params);
        const make = (type, material) => importedKey(type, algorithm(), material, extractable, requested, name, curve.kinds);
        switch (format) {
          case "raw": return make("public", publicKey(crypto.copy(keyData)));
          case "spki": return make("public", publicKey(unwrapDER(crypto.copy(keyData), curve.spki, "SPKI", crv)));
          case "pkcs8": return make("private", privateKey(unwrapDER(crypto.copy(keyData), curve.pkcs8, "PKCS #8", crv)));
          case "jwk": {
            crypto.checkJwk(keyData, extractable, requested, name);
            checkKty(keyData, "OKP", name);
            if (keyData.crv !== crv) throw domError("DataError", `${name} "jwk" key import requires "crv" "${crv}" (encountered "${keyData.crv}").`);
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
        const [priv, pub] = crypto.call(`${curve.native}Generate`);
        return keyPair(algorithm, { priv: view(priv), pub: view(pub) }, extractable, requested, name, curve.kinds);
      },
      export(format, key) {
        const { priv, pub } = crypto.material(key);
        switch (format) {
          case "raw": requireType(key, "public", format); return pub.slice().buffer;
          case "spki": requireType(key, "public", format); return crypto.concat(curve.spki, pub).buffer;
          case "pkcs8": requireType(key, "private", format); return crypto.concat(curve.pkcs8, priv).buffer;
          case "jwk": {
            const jwk = { kty: "OKP", crv, x: crypto.base64url(pub) };
            if (priv) jwk.d = crypto.base64url(priv);
            return Object.assign(jwk, { key_ops: [...key.usages], ext: key.extractable });
          }
        }
        throw domError("NotSupportedError", `Unrecognized key export format "${format}".`);
      },
      ...operations,
    };
  }
  const edSigning = {
    sign: (params, key, data) => crypto.call("edSign", crypto.material(key).priv, data),
    verify: (params, key, signature, data) => crypto.call("edVerify", crypto.material(key).pub, crypto.copy(signature), data),
  };
  algorithms.Ed25519 = okpAlgorithm("Ed25519", "Ed25519", edSigning);
  algorithms["NODE-ED25519"] = okpAlgorithm("NODE-ED25519", "Ed25519", edSigning);
  algorithms.X25519 = okpAlgorithm("X25519", "X25519", {
    deriveBits(params, key, length) {
      const peer = peerKey(params, "X25519");
      return truncatedBits(crypto.call("x25519", crypto.material(key).priv, crypto.material(peer).pub), length);
    },
  });

  Object.assign(crypto, { keyPair, importedKey, requireType, checkKty });
})();
