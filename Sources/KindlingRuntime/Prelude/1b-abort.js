// Kindling prelude: AbortController and AbortSignal (WHATWG DOM §3). Plain ECMAScript; AbortSignal.timeout
// uses the runtime's setTimeout.
//
// Reasons and wording follow workerd: abort() without a reason gives an "AbortError" DOMException "The operation
// was aborted", a timeout a "TimeoutError" DOMException "The operation was aborted due to timeout".
// AbortSignal.any keeps its sources' dependents strongly (as workerd does) until they abort.
//
// For the other prelude files (fetch, streams): internal.isAbortSignal, internal.newAbortSignal(),
// internal.signalAbort(signal, reason), internal.addAbortAlgorithm(signal, fn) → a function that removes it,
// and internal.anySignal(signals) (a dependent signal, as Request's signal is made).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const { defineGlobal, exposeMembers, brand, argCount, domException } = internal;
  const report = globalThis.reportError;
  const setTimer = globalThis.setTimeout;
  const Event = globalThis.Event;

  const isObject = (v) => v !== null && (typeof v === "object" || typeof v === "function");
  const abortError = () => domException("AbortError", "The operation was aborted");
  const constructing = Symbol("constructing");

  let stateOf;
  let isAbortSignal;
  class AbortSignal extends EventTarget {
    #s;
    constructor(key = undefined) {
      if (key !== constructing) throw new TypeError("Illegal constructor");
      super();
      // algorithms: internal abort steps, in order added; sources/dependents: AbortSignal.any links.
      this.#s = { aborted: false, reason: undefined, algorithms: new Set(), dependent: false, sources: null, dependents: null };
    }
    static {
      stateOf = (signal) => signal.#s;
      isAbortSignal = (value) => isObject(value) && #s in value;
    }
    static abort(reason = undefined) {
      const signal = newSignal();
      const s = stateOf(signal);
      s.aborted = true;
      s.reason = reason === undefined ? abortError() : reason;
      return signal;
    }
    static timeout(milliseconds) {
      argCount(arguments.length, 1, "Failed to execute 'timeout' on 'AbortSignal'");
      const delay = enforceUnsignedLongLong(milliseconds, "Failed to execute 'timeout' on 'AbortSignal'");
      const signal = newSignal();
      setTimer(() => signalAbort(signal, domException("TimeoutError", "The operation was aborted due to timeout")), delay);
      return signal;
    }
    static any(signals) {
      argCount(arguments.length, 1, "Failed to execute 'any' on 'AbortSignal'");
      if (!isObject(signals) || typeof signals[Symbol.iterator] !== "function") {
        throw new TypeError("Failed to execute 'any' on 'AbortSignal': The provided value cannot be converted to a sequence.");
      }
      const list = [...signals];
      for (const signal of list) {
        if (!isAbortSignal(signal)) {
          throw new TypeError("Failed to execute 'any' on 'AbortSignal': Failed to convert value to 'AbortSignal'.");
        }
      }
      return anySignal(list);
    }
    get aborted() { return state(this).aborted; }
    get reason() { return state(this).reason; }
    throwIfAborted() {
      const s = state(this);
      if (s.aborted) throw s.reason;
    }
  }
  function state(signal) {
    if (!isAbortSignal(signal)) throw new TypeError("Illegal invocation");
    return stateOf(signal);
  }
  function newSignal() {
    return new AbortSignal(constructing);
  }
  internal.defineEventHandler(AbortSignal.prototype, "abort");
  exposeMembers(AbortSignal.prototype);
  brand(AbortSignal, "AbortSignal");

  // Web IDL [EnforceRange] unsigned long long.
  function enforceUnsignedLongLong(value, context) {
    const number = Number(value);
    if (!Number.isFinite(number)) throw new TypeError(`${context}: Value is not a finite number.`);
    const integer = Math.trunc(number);
    if (integer < 0 || integer > Number.MAX_SAFE_INTEGER) {
      throw new TypeError(`${context}: Value is outside the 'unsigned long long' value range.`);
    }
    return integer;
  }

  // "Create a dependent abort signal" from signals.
  function anySignal(signals) {
    const result = newSignal();
    const r = stateOf(result);
    for (const signal of signals) {
      const s = stateOf(signal);
      if (s.aborted) {
        r.aborted = true;
        r.reason = s.reason;
        return result;
      }
    }
    r.dependent = true;
    r.sources = new Set();
    const link = (source) => {
      const s = stateOf(source);
      r.sources.add(source);
      (s.dependents || (s.dependents = new Set())).add(result);
    };
    for (const signal of signals) {
      const s = stateOf(signal);
      if (!s.dependent) link(signal);
      else for (const source of s.sources) link(source);
    }
    return result;
  }

  // "Signal abort": sets the reason on the signal and on its dependents not yet aborted, then runs the abort steps
  // of each (algorithms, then the trusted "abort" event), the signal first.
  function signalAbort(signal, reason) {
    const s = stateOf(signal);
    if (s.aborted) return;
    s.aborted = true;
    s.reason = reason === undefined ? abortError() : reason;
    const dependents = [];
    if (s.dependents !== null) {
      for (const dependent of s.dependents) {
        const d = stateOf(dependent);
        if (d.aborted) continue;
        d.aborted = true;
        d.reason = s.reason;
        dependents.push(dependent);
      }
    }
    runAbortSteps(signal);
    for (const dependent of dependents) runAbortSteps(dependent);
  }
  function runAbortSteps(signal) {
    const s = stateOf(signal);
    const algorithms = [...s.algorithms];
    s.algorithms.clear();
    for (const algorithm of algorithms) {
      try { algorithm(); } catch (error) { report(error); }
    }
    // An aborted signal never aborts again: drop the links that could only deliver another abort.
    if (s.sources !== null) {
      for (const source of s.sources) stateOf(source).dependents?.delete(signal);
      s.sources.clear();
    }
    s.dependents = null;
    internal.fireEvent(signal, new Event("abort"));
  }

  class AbortController {
    #signal = newSignal();
    get signal() {
      if (!(isObject(this) && #signal in this)) throw new TypeError("Illegal invocation");
      return this.#signal;
    }
    abort(reason = undefined) {
      if (!(isObject(this) && #signal in this)) throw new TypeError("Illegal invocation");
      signalAbort(this.#signal, reason);
    }
  }
  exposeMembers(AbortController.prototype);
  brand(AbortController, "AbortController");

  internal.isAbortSignal = isAbortSignal;
  internal.newAbortSignal = newSignal;
  internal.signalAbort = signalAbort;
  internal.anySignal = anySignal;
  internal.addAbortAlgorithm = (signal, algorithm) => {
    const s = stateOf(signal);
    if (s.aborted) return () => {};
    s.algorithms.add(algorithm);
    return () => s.algorithms.delete(algorithm);
  };

  defineGlobal("AbortSignal", AbortSignal);
  defineGlobal("AbortController", AbortController);
})();
