// Kindling prelude: SubtleCrypto, the object behind crypto.subtle (the getter is in 20-runtime.js). Each method
// checks its arguments, finds the algorithm entry (1d2/1d3 files), checks the key's algorithm and usages the way
// workerd's validateOperation does, and runs the entry. Methods are async: every error is a rejection.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const crypto = internal.crypto;
  const { domError, algorithms } = crypto;
  const names = Object.keys(algorithms);
  const constructing = Symbol("SubtleCrypto");
  const failed = (method) => `Failed to execute '${method}' on 'SubtleCrypto'`;

  // The algorithm entry an identifier names; `message(name)` words the NotSupportedError for an unknown one.
  function lookup(identifier, message, operation) {
    const { name, params } = crypto.algorithm(identifier);
    const found = crypto.canonical(names, name);
    if (found === undefined || (operation && !algorithms[found][operation])) {
      throw domError("NotSupportedError", message(name));
    }
    return { name: found, params, entry: algorithms[found] };
  }

  // The key's entry, after checking that it may do `usage` under the requested algorithm (workerd's wording).
  function keyEntry(key, method, position, identifier, usage) {
    const { name, params } = crypto.algorithm(identifier);
    if (!crypto.isKey(key)) throw new TypeError(`${failed(method)}: parameter ${position} is not of type 'CryptoKey'.`);
    const keyName = key.algorithm.name;
    if (name.toUpperCase() !== keyName.toUpperCase()) {
      throw domError("InvalidAccessError", `Requested algorithm "${name}" does not match this CryptoKey's algorithm "${keyName}".`);
    }
    if (!key.usages.includes(usage)) {
      throw domError("InvalidAccessError", `Requested key usage "${usage}" does not match any usage listed in this CryptoKey.`);
    }
    const entry = algorithms[keyName];
    // Wrapping is encryption, except for an algorithm that only wraps (AES-KW).
    const operation = usage === "wrapKey" ? (entry.wrapKey ? "wrapKey" : "encrypt")
      : usage === "unwrapKey" ? (entry.unwrapKey ? "unwrapKey" : "decrypt")
      : usage === "deriveKey" ? "deriveBits" : usage;
    if (!entry[operation]) {
      throw domError("NotSupportedError", `${keyName} does not support ${usage}.`);
    }
    return { params, entry };
  }

  function importKey(format, keyData, algorithm, extractable, keyUsages) {
    format = String(format);
    if (["raw", "pkcs8", "spki"].includes(format)) {
      if (!crypto.isBufferSource(keyData)) {
        throw new TypeError("Import data provided for buffer-based import formats must be a buffer source.");
      }
    } else if (format === "jwk") {
      if (keyData === null || typeof keyData !== "object" || crypto.isBufferSource(keyData)) {
        throw new TypeError("Import data provided for \"jwk\" import format must be a JsonWebKey.");
      }
    } else {
      throw domError("NotSupportedError", `Unrecognized key import format "${format}".`);
    }
    const { params, entry } = lookup(algorithm, (name) => `Unrecognized key import algorithm "${name}" requested.`);
    const key = entry.import(format, keyData, params, Boolean(extractable), keyUsages);
    crypto.requireUsages(key.type, key.usages);
    return key;
  }

  function exportKey(format, key) {
    if (!crypto.isKey(key)) throw new TypeError(`${failed("exportKey")}: parameter 2 is not of type 'CryptoKey'.`);
    const name = key.algorithm.name;
    if (!key.extractable) throw domError("InvalidAccessError", `Attempt to export non-extractable ${name} key.`);
    if (!algorithms[name].export) throw domError("NotSupportedError", `Unrecognized key export format "${format}".`);
    return algorithms[name].export(String(format), key);
  }

  // The length deriveKey asks for: workerd's getKeyLength (the spec's "get key length" operation).
  function derivedLength(identifier) {
    const { name, params } = lookup(identifier, (name) => `Unrecognized derived key type "${name}" requested.`);
    if (name.startsWith("AES-")) {
      if (params.length === undefined) throw new TypeError("Missing field \"length\" in \"derivedKeyParams\".");
      const length = Number(params.length);
      if (![128, 192, 256].includes(length)) {
        throw domError("OperationError", `Derived AES key must be 128, 192, or 256 bits in length but provided ${length}.`);
      }
      return length;
    }
    if (name === "HMAC") {
      if (params.length !== undefined) {
        const length = Number(params.length);
        if (length > 0) return length;
        throw new TypeError("HMAC key length must be a non-zero unsigned long integer.");
      }
      return crypto.hashBlockLength[crypto.hash(params.hash, "derivedKeyParams")] * 8;
    }
    if (name === "HKDF" || name === "PBKDF2") return null;
    throw domError("NotSupportedError", `Unrecognized derived key type "${name}" requested.`);
  }

  class SubtleCrypto {
    constructor(token) {
      if (token !== constructing) throw new TypeError("Illegal constructor");
    }

    async digest(algorithm, data) {
      internal.argCount(arguments.length, 2, failed("digest"));
      return crypto.call("digest", crypto.hash(algorithm), crypto.data(data, "digest", 2));
    }

    async encrypt(algorithm, key, data) {
      internal.argCount(arguments.length, 3, failed("encrypt"));
      const { params, entry } = keyEntry(key, "encrypt", 2, algorithm, "encrypt");
      return entry.encrypt(params, key, crypto.data(data, "encrypt", 3));
    }

    async decrypt(algorithm, key, data) {
      internal.argCount(arguments.length, 3, failed("decrypt"));
      const { params, entry } = keyEntry(key, "decrypt", 2, algorithm, "decrypt");
      return entry.decrypt(params, key, crypto.data(data, "decrypt", 3));
    }

    async sign(algorithm, key, data) {
      internal.argCount(arguments.length, 3, failed("sign"));
      const { params, entry } = keyEntry(key, "sign", 2, algorithm, "sign");
      return entry.sign(params, key, crypto.data(data, "sign", 3));
    }

    async verify(algorithm, key, signature, data) {
      internal.argCount(arguments.length, 4, failed("verify"));
      const { params, entry } = keyEntry(key, "verify", 2, algorithm, "verify");
      return entry.verify(params, key, crypto.data(signature, "verify", 3), crypto.data(data, "verify", 4));
    }

    async generateKey(algorithm, extractable, keyUsages) {
      internal.argCount(arguments.length, 3, failed("generateKey"));
      const { params, entry } = lookup(algorithm, (name) => `Unrecognized key generation algorithm "${name}" requested.`, "generate");
      const result = entry.generate(params, Boolean(extractable), keyUsages);
      if (crypto.isKey(result)) crypto.requireUsages(result.type, result.usages);
      return result;
    }

    async importKey(format, keyData, algorithm, extractable, keyUsages) {
      internal.argCount(arguments.length, 5, failed("importKey"));
      return importKey(format, keyData, algorithm, extractable, keyUsages);
    }

    async exportKey(format, key) {
      internal.argCount(arguments.length, 2, failed("exportKey"));
      return exportKey(format, key);
    }

    async deriveBits(algorithm, baseKey, length = null) {
      internal.argCount(arguments.length, 2, failed("deriveBits"));
      const { params, entry } = keyEntry(baseKey, "deriveBits", 2, algorithm, "deriveBits");
      if (length !== null && !(Number(length) >= 0)) throw new TypeError("deriveBits length must be an unsigned long integer.");
      return entry.deriveBits(params, baseKey, length === null ? null : Number(length));
    }

    async deriveKey(algorithm, baseKey, derivedKeyAlgorithm, extractable, keyUsages) {
      internal.argCount(arguments.length, 5, failed("deriveKey"));
      const { params, entry } = keyEntry(baseKey, "deriveKey", 2, algorithm, "deriveKey");
      const bits = entry.deriveBits(params, baseKey, derivedLength(derivedKeyAlgorithm));
      return importKey("raw", bits, derivedKeyAlgorithm, extractable, keyUsages);
    }

    async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
      internal.argCount(arguments.length, 4, failed("wrapKey"));
      const { params, entry } = keyEntry(wrappingKey, "wrapKey", 3, wrapAlgorithm, "wrapKey");
      const exported = exportKey(format, key);
      const bytes = String(format) === "jwk" ? new TextEncoder().encode(JSON.stringify(exported)) : new Uint8Array(exported);
      return entry.wrapKey ? entry.wrapKey(params, wrappingKey, bytes) : entry.encrypt(params, wrappingKey, bytes);
    }

    async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages) {
      internal.argCount(arguments.length, 7, failed("unwrapKey"));
      const { params, entry } = keyEntry(unwrappingKey, "unwrapKey", 3, unwrapAlgorithm, "unwrapKey");
      const data = crypto.data(wrappedKey, "unwrapKey", 2);
      const bytes = entry.unwrapKey ? entry.unwrapKey(params, unwrappingKey, data) : entry.decrypt(params, unwrappingKey, data);
      let keyData = bytes;
      if (String(format) === "jwk") {
        try {
          keyData = JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          throw domError("DataError", "Missing \"kty\" field or corrupt JSON unwrapping key?");
        }
      }
      return importKey(format, keyData, unwrappedKeyAlgorithm, extractable, keyUsages);
    }

    // Workers extension: a constant-time comparison of two buffers of the same length.
    timingSafeEqual(a, b) {
      internal.argCount(arguments.length, 2, failed("timingSafeEqual"));
      const left = crypto.data(a, "timingSafeEqual", 1);
      const right = crypto.data(b, "timingSafeEqual", 2);
      if (left.byteLength !== right.byteLength) throw new TypeError("Input buffers must have the same byte length.");
      return crypto.call("timingSafeEqual", left, right);
    }
  }
  internal.exposeMembers(SubtleCrypto.prototype);
  internal.brand(SubtleCrypto, "SubtleCrypto");
  internal.defineGlobal("SubtleCrypto", SubtleCrypto);
  internal.subtle = new SubtleCrypto(constructing);
})();
