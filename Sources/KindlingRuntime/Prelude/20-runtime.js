// Kindling runtime prelude: the host-backed globals (console, timers, queueMicrotask, crypto, navigator) and the
// helpers Swift calls through the internal `__kindling` object, which is removed once the prelude has run.
(function (host) {
  "use strict";

  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });

  // --- Promise bridging -------------------------------------------------------------------------------------
  host.awaitValue = function (value, id) {
    pendingRejections.delete(value);
    Promise.resolve(value).then(
      (result) => host.settle(id, true, result),
      (error) => host.settle(id, false, error),
    );
  };

  // --- console ------------------------------------------------------------------------------------------------
  function describe(value, depth, seen) {
    switch (typeof value) {
      case "string": return depth === 0 ? value : JSON.stringify(value);
      case "undefined": return "undefined";
      case "function": return value.name ? `[Function: ${value.name}]` : "[Function (anonymous)]";
      case "symbol": return value.toString();
      case "bigint": return `${value}n`;
      case "number": return Object.is(value, -0) ? "-0" : String(value);
      case "boolean": return String(value);
    }
    if (value === null) return "null";
    if (value instanceof Error) {
      const stack = typeof value.stack === "string" && value.stack ? "\n" + value.stack.split("\n").map((l) => "    at " + l).join("\n") : "";
      return `${value.name}: ${value.message}${depth === 0 ? stack : ""}`;
    }
    if (seen.includes(value)) return "[Circular]";
    if (depth > 2) return Array.isArray(value) ? "[Array]" : "[Object]";
    const next = seen.concat([value]);
    if (Array.isArray(value)) return `[ ${value.map((v) => describe(v, depth + 1, next)).join(", ")} ]`.replace("[  ]", "[]");
    if (value instanceof Date) return isNaN(value) ? "Invalid Date" : value.toISOString();
    if (value instanceof RegExp) return String(value);
    if (value instanceof Map) {
      const entries = [...value].map(([k, v]) => `${describe(k, depth + 1, next)} => ${describe(v, depth + 1, next)}`);
      return `Map(${value.size}) {${entries.length ? " " + entries.join(", ") + " " : ""}}`;
    }
    if (value instanceof Set) {
      const entries = [...value].map((v) => describe(v, depth + 1, next));
      return `Set(${value.size}) {${entries.length ? " " + entries.join(", ") + " " : ""}}`;
    }
    if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.length}) [ ${Array.from(value).join(", ")} ]`;
    if (value instanceof Promise) return "Promise { <pending> }";
    const keys = Object.keys(value);
    const name = value.constructor && value.constructor !== Object && value.constructor.name ? value.constructor.name + " " : "";
    if (keys.length === 0) return `${name}{}`;
    const body = keys.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${describe(value[k], depth + 1, next)}`);
    return `${name}{ ${body.join(", ")} }`;
  }

  function format(args) {
    let parts = [];
    let start = 0;
    if (typeof args[0] === "string" && args[0].includes("%")) {
      let index = 1;
      const first = args[0].replace(/%([sdifoOjc%])/g, (match, spec) => {
        if (spec === "%") return "%";
        if (index >= args.length) return match;
        const arg = args[index++];
        switch (spec) {
          case "s": return typeof arg === "string" ? arg : describe(arg, 1, []);
          case "d": case "i": return String(spec === "i" ? parseInt(arg) : Number(arg));
          case "f": return String(parseFloat(arg));
          case "j": return JSON.stringify(arg);
          case "c": return "";
          default: return describe(arg, 1, []);
        }
      });
      parts.push(first);
      start = index;
    }
    for (let i = start; i < args.length; i++) parts.push(describe(args[i], 0, []));
    return parts.join(" ");
  }

  const counts = new Map();
  const timings = new Map();
  let groupIndent = "";
  const emit = (level, args) => host.log(level, groupIndent + format(args));
  const console = {};
  for (const [name, level] of [["log", "log"], ["info", "info"], ["debug", "debug"], ["warn", "warn"], ["error", "error"], ["trace", "trace"]]) {
    define(console, name, function (...args) { emit(level, args); });
  }
  define(console, "assert", function (condition, ...args) {
    if (!condition) emit("error", ["Assertion failed" + (args.length ? ":" : ""), ...args]);
  });
  define(console, "count", function (label = "default") {
    const n = (counts.get(label) || 0) + 1;
    counts.set(label, n);
    emit("info", [`${label}: ${n}`]);
  });
  define(console, "countReset", function (label = "default") { counts.delete(label); });
  define(console, "time", function (label = "default") { timings.set(label, Date.now()); });
  define(console, "timeLog", function (label = "default", ...args) {
    if (timings.has(label)) emit("info", [`${label}: ${Date.now() - timings.get(label)}ms`, ...args]);
  });
  define(console, "timeEnd", function (label = "default") {
    if (timings.has(label)) { emit("info", [`${label}: ${Date.now() - timings.get(label)}ms`]); timings.delete(label); }
  });
  define(console, "group", function (...args) { if (args.length) emit("log", args); groupIndent += "  "; });
  define(console, "groupCollapsed", console.group);
  define(console, "groupEnd", function () { groupIndent = groupIndent.slice(2); });
  define(console, "dir", function (value) { emit("log", [value]); });
  define(console, "table", function (...args) { emit("log", args); });
  define(globalThis, "console", console);

  // --- errors nobody caught -------------------------------------------------------------------------------------
  function reportError(error) {
    host.log("error", "Uncaught " + describe(error, 0, []));
  }
  define(globalThis, "reportError", reportError);
  // JavaScriptCore reports a rejection as unhandled when the microtask queue drains, but Swift may attach a handler
  // right after the API call that created the promise returns (awaiting an evaluation's result). So reports wait
  // until the isolate's current job has finished, like the HTML "notify about rejected promises" task.
  const pendingRejections = new Map();
  let reportScheduled = false;
  host.unhandledRejection = function (promise, reason) {
    pendingRejections.set(promise, reason);
    if (!reportScheduled) {
      reportScheduled = true;
      host.scheduleRejectionReport();
    }
  };
  host.reportRejections = function () {
    reportScheduled = false;
    const reasons = [...pendingRejections.values()];
    pendingRejections.clear();
    for (const reason of reasons) host.log("error", "Uncaught (in promise) " + describe(reason, 0, []));
  };

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
    // SubtleCrypto is a deferred Web API (1d4-crypto-subtle.js); reading the internal object loads that group.
    get subtle() {
      return globalThis[Symbol.for("kindling.internal")].subtle;
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
