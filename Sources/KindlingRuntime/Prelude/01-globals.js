// Kindling runtime prelude, deferred until first use (see Prelude.swift): the host-backed globals queueMicrotask,
// setTimeout/setInterval/clearTimeout/clearInterval, navigator and crypto.
(function (host) {
  "use strict";
  const internal = host.internal;
  const reportError = (error) => internal.reportError(error);
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });

  // --- queueMicrotask ---------------------------------------------------------------------------------------------
  const resolved = Promise.resolve();
  define(globalThis, "queueMicrotask", function queueMicrotask(callback) {
    if (typeof callback !== "function") {
      throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
    }
    resolved.then(() => { try { callback(); } catch (error) { reportError(error); } });
  });

  // --- timers ---------------------------------------------------------------------------------------------------
  const timers = new Map();
  let nextTimerID = 1;
  function addTimer(callback, delay, args, repeat) {
    if (typeof callback !== "function") {
      throw new TypeError("The \"callback\" argument must be of type function.");
    }
    const id = nextTimerID++;
    delay = Number(delay);
    if (!(delay >= 1)) delay = repeat ? 1 : 0;
    timers.set(id, { callback, delay, args, repeat });
    host.timerStart(id, delay);
    return id;
  }
  function clearTimer(id) {
    id = Number(id);
    if (timers.delete(id)) host.timerCancel(id);
  }
  host.fireTimer = function (id) {
    const timer = timers.get(id);
    if (!timer) return;
    if (timer.repeat) host.timerStart(id, timer.delay);
    else timers.delete(id);
    try { timer.callback(...timer.args); } catch (error) { reportError(error); }
  };
  define(globalThis, "setTimeout", function setTimeout(callback, delay = 0, ...args) { return addTimer(callback, delay, args, false); });
  define(globalThis, "setInterval", function setInterval(callback, delay = 0, ...args) { return addTimer(callback, delay, args, true); });
  define(globalThis, "clearTimeout", function clearTimeout(id) { clearTimer(id); });
  define(globalThis, "clearInterval", function clearInterval(id) { clearTimer(id); });

  // --- navigator ------------------------------------------------------------------------------------------------
  class Navigator {
    get userAgent() { return "Cloudflare-Workers"; }
    get hardwareConcurrency() { return 1; }
    get language() { return "en"; }
    get languages() { return ["en"]; }
  }
  Object.defineProperty(Navigator.prototype, Symbol.toStringTag, { value: "Navigator", configurable: true });
  define(globalThis, "Navigator", Navigator);
  define(globalThis, "navigator", new Navigator());

  // --- crypto ---------------------------------------------------------------------------------------------------
  const integerArrays = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
  function domException(message, name) {
    if (typeof globalThis.DOMException === "function") return new globalThis.DOMException(message, name);
    const error = new Error(message);
    error.name = name;
    return error;
  }
  class Crypto {
    getRandomValues(array) {
      if (!integerArrays.some((type) => array instanceof type)) {
        throw domException("The data argument must be an integer-type TypedArray.", "TypeMismatchError");
      }
      if (array.byteLength > 65536) {
        throw domException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`, "QuotaExceededError");
      }
      return host.randomFill(array);
    }
    // SubtleCrypto is a deferred Web API (1d4-crypto-subtle.js), loaded with this file.
    get subtle() {
      return globalThis[Symbol.for("kindling.internal")].subtle;
    }
    // Workers' DigestStream, deferred with crypto.subtle (1d5-crypto-digest.js).
    get DigestStream() {
      return globalThis[Symbol.for("kindling.internal")].DigestStream;
    }
    randomUUID() {
      const bytes = host.randomFill(new Uint8Array(16));
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
  }
  Object.defineProperty(Crypto.prototype, Symbol.toStringTag, { value: "Crypto", configurable: true });
  define(globalThis, "Crypto", Crypto);
  define(globalThis, "crypto", new Crypto());
})(globalThis.__kindling);
