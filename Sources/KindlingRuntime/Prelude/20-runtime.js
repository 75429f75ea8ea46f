// Kindling runtime prelude, the one file run when an isolate is made (see Prelude.swift): the internal object, the
// deferral of the other files, promise bridging, `env` and `cloudflare:workers`. Console, timers, crypto and
// delivering events are deferred (0x- files) like the Web APIs; Swift reads a worker's exports itself.
// In a new JavaScriptCore VM every byte parsed and every function first run costs, and a new isolate is a
// benchmark: keep this file short, and run little at its top level.
(function (host) {
  "use strict";
  const INTERNAL = Symbol.for("kindling.internal");
  const internal = {};
  Object.defineProperty(globalThis, INTERNAL, { value: internal, writable: false, enumerable: false, configurable: true });
  internal.ensureWebAPIs = () => {};
  host.internal = internal;
  // crypto.subtle's primitives (WebAPI/Crypto), for the deferred 1d-crypto-*.js files.
  internal.cryptoNative = host.cryptoNative;
  // zlib for CompressionStream / DecompressionStream (ScriptContext+Compression.swift), for the deferred files.
  internal.zlib = { open: host.zlibOpen, process: host.zlibProcess, close: host.zlibClose };

  // Replaces the deferred globals (`names`, an array) with accessors that run the deferred files (`load`) on first
  // use, get or set; the files then define the real globals in their place.
  host.deferGlobals = function (names, load) {
    let loaded = false;
    const ensure = () => {
      if (loaded) return;
      loaded = true;
      for (let i = 0; i < names.length; i++) delete globalThis[names[i]];
      load();
    };
    internal.ensureWebAPIs = ensure;
    // Reaching for the internal object itself (the prelude's own tests do) loads them too.
    Object.defineProperty(globalThis, INTERNAL, {
      get() { ensure(); return internal; }, enumerable: false, configurable: false,
    });
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      Object.defineProperty(globalThis, name, {
        configurable: true,
        enumerable: false,
        get() { ensure(); return globalThis[name]; },
        set(value) { ensure(); globalThis[name] = value; },
      });
    }
  };

  // --- promises ---------------------------------------------------------------------------------------------------
  host.awaitValue = function (value, id) {
    if (pendingRejections !== null) pendingRejections.delete(value);
    Promise.resolve(value).then(
      (result) => host.settle(id, true, result),
      (error) => host.settle(id, false, error),
    );
  };

  // Turns a promise-returning host function into one that always returns a promise (a throw becomes a
  // rejection). Calls with up to three arguments avoid materialising an arguments array: this is the hot path of
  // every binding call.
  host.promising = function (native) {
    return function () {
      try {
        switch (arguments.length) {
          case 0: return Promise.resolve(native.call(this));
          case 1: return Promise.resolve(native.call(this, arguments[0]));
          case 2: return Promise.resolve(native.call(this, arguments[0], arguments[1]));
          case 3: return Promise.resolve(native.call(this, arguments[0], arguments[1], arguments[2]));
          default: return Promise.resolve(native.apply(this, arguments));
        }
      } catch (error) {
        return Promise.reject(error);
      }
    };
  };

  // JavaScriptCore reports a rejection as unhandled when the microtask queue drains, but Swift may attach a handler
  // right after the API call that created the promise returns (awaiting an evaluation's result). So reports wait
  // until the isolate's current job has finished, like the HTML "notify about rejected promises" task.
  let pendingRejections = null;
  host.unhandledRejection = function (promise, reason) {
    if (pendingRejections === null) {
      pendingRejections = new Map();
      host.scheduleRejectionReport();
    }
    pendingRejections.set(promise, reason);
  };
  host.reportRejections = function () {
    const reasons = pendingRejections;
    pendingRejections = null;
    if (reasons === null || reasons.size === 0) return;
    internal.ensureWebAPIs(); // the console's formatting (00-console.js)
    for (const reason of reasons.values()) host.log("error", "Uncaught (in promise) " + internal.describe(reason));
  };

  // --- env and cloudflare:workers ---------------------------------------------------------------------------------
  let currentEnv = {};
  internal.env = () => currentEnv;
  host.setEnvironment = function (env, asGlobals) {
    currentEnv = env;
    if (!asGlobals) return;
    const names = Object.keys(env);
    for (let i = 0; i < names.length; i++) {
      Object.defineProperty(globalThis, names[i], { value: env[names[i]], writable: true, configurable: true, enumerable: false });
    }
  };

  // Bundles keep `cloudflare:*` and `node:*` imports external, and esbuild turns them into calls to a free
  // `require`, which the loader binds to host.require (it is not a global, as on the platform).
  let workersModule = null;
  host.require = function require(specifier) {
    const name = String(specifier);
    if (name === "cloudflare:workers") return (workersModule ??= makeWorkersModule());
    const hint = name.startsWith("node:") ? " Kindling does not provide Node.js built-in modules yet." : "";
    throw new Error(`No such module "${name}".${hint}`);
  };
  // Null until a bundle imported the module (then no class can extend its classes).
  host.importedWorkersModule = () => workersModule;
  // Made on first import. Behaviour (RPC, storage, steps) arrives with the issues that need it; the shapes are the
  // platform's.
  function makeWorkersModule() {
    class WorkerEntrypoint {
      constructor(ctx, env) {
        this.ctx = ctx;
        this.env = env;
      }
    }
    class DurableObject {
      constructor(ctx, env) {
        this.ctx = ctx;
        this.env = env;
      }
    }
    class WorkflowEntrypoint {
      constructor(ctx, env) {
        this.ctx = ctx;
        this.env = env;
      }
    }
    class RpcTarget {}
    return Object.freeze({
      WorkerEntrypoint, DurableObject, WorkflowEntrypoint, RpcTarget,
      get env() { return currentEnv; },
      waitUntil(promise) {
        internal.ensureWebAPIs(); // waitUntil tracking (02-events.js)
        internal.track(promise);
      },
    });
  }
})(globalThis.__kindling);
