// Kindling prelude: CryptoKey, and what the Web Crypto files (1d*-crypto-*.js) share: algorithm and hash names,
// key usages, byte and JWK conversions, and errors. The primitives run in Swift (WebAPI/Crypto: swift-crypto over
// BoringSSL) through internal.cryptoNative; a key keeps its material here, in a private field, as bytes that
// Swift reads again on each call. Names and messages follow workerd (src/workerd/api/crypto).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const native = internal.cryptoNative;
  const crypto = {};
  internal.crypto = crypto;

  // ---------------------------------------------------------------- errors
  const domNames = new Set(["OperationError", "DataError", "NotSupportedError", "InvalidAccessError", "SyntaxError"]);
  const domError = internal.domException;
  crypto.domError = domError;
  // Swift reports a DOMException as an error carrying its name; turn it into the real thing.
  crypto.call = function (...args) {
    try {
      return native(...args);
    } catch (error) {
      if (error instanceof Error && domNames.has(error.name) && !(error instanceof DOMException)) {
        throw domError(error.name, error.message);
      }
      throw error;
    }
  };

  // ---------------------------------------------------------------- algorithm names
  // Matched case-insensitively, as workerd does, and reported in these spellings.
  const hashNames = ["SHA-1", "SHA-256", "SHA-384", "SHA-512", "MD5"];
  const canonical = (names, name) => {
    const upper = String(name).toUpperCase();
    return names.find((candidate) => candidate.toUpperCase() === upper);
  };
  crypto.canonical = canonical;

  // An AlgorithmIdentifier (a string or a dictionary with a name) as { name, params }.
  crypto.algorithm = function (identifier) {
    if (typeof identifier === "string") return { name: identifier, params: {} };
    if (identifier === null || typeof identifier !== "object") {
      throw new TypeError("AlgorithmIdentifier could not be converted.");
    }
    if (identifier.name === undefined) throw new TypeError("Missing field \"name\" in \"algorithm\".");
    return { name: String(identifier.name), params: identifier };
  };

  // The normalised name of a HashAlgorithmIdentifier member; `field` names the dictionary in messages.
  crypto.hash = function (value, field = "algorithm") {
    if (value === undefined) throw new TypeError(`Missing field "hash" in "${field}".`);
    const name = canonical(hashNames, crypto.algorithm(value).name);
    if (name === undefined) throw domError("NotSupportedError", "Unrecognized or unimplemented digest algorithm requested.");
    return name;
  };
  crypto.hashByteLength = { "SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64, "MD5": 16 };
  crypto.hashBlockLength = { "SHA-1": 64, "SHA-256": 64, "SHA-384": 128, "SHA-512": 128, "MD5": 64 };

  // ---------------------------------------------------------------- bytes
  const isBufferSource = (value) => value instanceof ArrayBuffer || ArrayBuffer.isView(value);
  crypto.isBufferSource = isBufferSource;
  // A Uint8Array over a BufferSource's bytes (no copy).
  crypto.view = (value) =>
    value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  // A BufferSource argument of a SubtleCrypto method, checked; the view is used before any JS runs again.
  crypto.data = function (value, method, position) {
    if (!isBufferSource(value)) {
      throw new TypeError(
        `Failed to execute '${method}' on 'SubtleCrypto': parameter ${position} is not of type 'ArrayBuffer or ArrayBufferView'.`);
    }
    // Swift reads typed arrays and ArrayBuffers; a DataView goes as a Uint8Array over the same bytes.
    return value instanceof DataView ? crypto.view(value) : value;
  };
  // A BufferSource member of an algorithm dictionary, copied (the spec copies them on normalisation).
  crypto.member = function (params, name, optional = false) {
    const value = params[name];
    if (value === undefined && optional) return new Uint8Array(0);
    if (value === undefined) throw new TypeError(`Missing field "${name}" in "algorithm".`);
    if (!isBufferSource(value)) throw new TypeError(`Field "${name}" in "algorithm" must be a BufferSource.`);
    return crypto.view(value).slice();
  };
  crypto.copy = (value) => crypto.view(value).slice();
  crypto.concat = function (...parts) {
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) { out.set(part, offset); offset += part.length; }
    return out;
  };
  crypto.buffer = (bytes) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer);

  // ---------------------------------------------------------------- JWK
  crypto.base64url = (bytes) => new Uint8Array(bytes).toBase64({ alphabet: "base64url", omitPadding: true });
  // A JWK member decoded from base64url; `what` completes workerd-style messages ("… requires a base64Url …").
  crypto.jwkBytes = function (jwk, member, what) {
    const text = jwk[member];
    if (typeof text !== "string") throw domError("DataError", `${what} (missing "${member}").`);
    try {
      return Uint8Array.fromBase64(text, { alphabet: "base64url" });
    } catch {
      throw domError("DataError", `${what} (invalid "${member}").`);
    }
  };
  crypto.checkJwk = function (jwk, extractable, usages, name) {
    if (jwk === null || typeof jwk !== "object") {
      throw new TypeError("Import data provided for \"jwk\" import format must be a JsonWebKey.");
    }
    if (jwk.ext === false && extractable) {
      throw domError("DataError", `JWK ext field for "${name}" is set to false but extractable is true`);
    }
    if (Array.isArray(jwk.key_ops)) {
      for (const usage of usages) {
        if (!jwk.key_ops.includes(usage)) {
          throw domError("DataError", `JWK "key_ops" does not include the requested usage "${usage}".`);
        }
      }
    }
  };

  // ---------------------------------------------------------------- usages
  const usageOrder = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];
  // The requested usages, checked against `allowed` and put in canonical order (workerd's CryptoKeyUsageSet).
  crypto.usages = function (requested, allowed, context, name) {
    if (requested === null || typeof requested !== "object" || typeof requested[Symbol.iterator] !== "function") {
      throw new TypeError("Key usages must be a sequence of strings.");
    }
    const set = new Set();
    for (const usage of requested) {
      const text = String(usage);
      if (!allowed.includes(text)) {
        throw domError("SyntaxError", `Attempt to ${context} ${name} key with invalid usage "${text}".`);
      }
      set.add(text);
    }
    return usageOrder.filter((usage) => set.has(usage));
  };
  crypto.requireUsages = function (type, usages) {
    if (usages.length === 0 && (type === "secret" || type === "private")) {
      throw domError("SyntaxError", "Secret/private CryptoKeys must have at least one usage.");
    }
  };

  // ---------------------------------------------------------------- CryptoKey
  const constructing = Symbol("CryptoKey");
  let materialOf;
  class CryptoKey {
    #type;
    #extractable;
    #algorithm;
    #usages;
    #material;
    constructor(token, type, extractable, algorithm, usages, material) {
      if (token !== constructing) throw new TypeError("Illegal constructor");
      this.#type = type;
      this.#extractable = extractable;
      this.#algorithm = algorithm;
      this.#usages = usages;
      this.#material = material;
    }
    get type() { return this.#type; }
    get extractable() { return this.#extractable; }
    get algorithm() { return this.#algorithm; }
    get usages() { return this.#usages; }
    static {
      materialOf = (key) => key.#material;
      crypto.isKey = (value) => value !== null && typeof value === "object" && #material in value;
    }
  }
  internal.exposeMembers(CryptoKey.prototype);
  internal.brand(CryptoKey, "CryptoKey");
  internal.defineGlobal("CryptoKey", CryptoKey);

  // A new key; `algorithm` is the object `key.algorithm` reports, frozen so every read sees the same thing.
  crypto.key = (type, extractable, algorithm, usages, material) =>
    new CryptoKey(constructing, type, Boolean(extractable), Object.freeze(algorithm), Object.freeze(usages), material);
  crypto.material = materialOf;
})();
