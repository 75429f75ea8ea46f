// Kindling runtime prelude, deferred until first use (see Prelude.swift): `console.*` to the host log, and
// `reportError`. Both are shared with the other runtime files through the internal object (internal.describe for
// the unhandled-rejection reports of 20-runtime.js, internal.reportError for 01-globals.js and 02-events.js).
(function (host) {
  "use strict";
  const internal = host.internal;
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });

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
  internal.describe = (value) => describe(value, 0, []);
  internal.reportError = reportError;
})(globalThis.__kindling);
