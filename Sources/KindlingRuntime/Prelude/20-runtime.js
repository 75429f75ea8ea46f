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

  // Platform objects structuredClone (13-structured-clone.js) refuses, by brand check, and those it clones with
  // their own function: registered by the files defining them, which may run before it or without it.
  internal.uncloneable = [];
  internal.cloners = [];
  internal.registerUncloneable = (isInstance) => { internal.uncloneable.push(isInstance); };
  internal.registerCloneable = (isInstance, clone) => { internal.cloners.push([isInstance, clone]); };
  // Whether internal member `name` is there without running a deferred unit for it (a file can ask whether,
  // say, streams exist yet instead of loading them to learn that a value is not one).
  internal.isLoaded = () => true;

  // Replaces what the deferred units define (see Prelude.swift) with stand-ins that run the unit on first use; the
  // unit's files then define the real values in their place. `spec` lists per unit (";" between units) the global
  // names, internal members and host members it defines ("|" between the three, "," between names); `globals`
  // pairs each global name with a unit defining it ([name, index, …]); `load(index)` runs unit `index`. A name
  // several units define loads all of them. Globals get accessors (get or set loads). Internal and host members
  // cost nothing until then: a proxy at the end of each object's prototype chain finds the units of a member the
  // object lacks, and the loaded member is an own property, found before the proxy. Creation runs only plain
  // loops here: in a new VM, the first call of a built-in written in JS (split, map, …) compiles it.
  host.deferUnits = function (spec, globals, load) {
    const targets = [globalThis, internal, host];
    const loaded = [];
    let units = null;
    const unitsOf = () => (units ??= spec.split(";").map((unit) => unit.split("|").map((names) => (names === "" ? [] : names.split(",")))));
    // Per target: name → indexes of the units not yet run that define it (internal and host: made on first use).
    const pending = [Object.create(null), null, null];
    const pendingOf = (t) => {
      if (pending[t] !== null) return pending[t];
      const all = unitsOf();
      const done = new Set();
      for (let i = 0; i < all.length; i++) if (loaded[i] === true) for (const name of all[i][t]) done.add(name);
      const map = Object.create(null);
      for (let i = 0; i < all.length; i++) {
        if (loaded[i] === true) continue;
        for (const name of all[i][t]) if (!done.has(name)) (map[name] ??= []).push(i);
      }
      return (pending[t] = map);
    };
    const loadUnit = (index) => {
      if (loaded[index] === true) return;
      loaded[index] = true;
      const unit = unitsOf()[index];
      for (let t = 0; t < 3; t++) {
        const map = pending[t];
        if (map === null) continue;
        for (const name of unit[t]) {
          if (map[name] === undefined) continue;
          delete map[name];
          if (t === 0) delete globalThis[name];
        }
      }
      load(index);
    };
    const loadFor = (t, name) => {
      const indexes = pendingOf(t)[name];
      if (indexes !== undefined) for (let i = 0; i < indexes.length; i++) loadUnit(indexes[i]);
    };
    internal.ensureWebAPIs = () => {
      const count = unitsOf().length;
      for (let i = 0; i < count; i++) loadUnit(i);
    };
    internal.isLoaded = (name) => pendingOf(1)[name] === undefined;
    const globalPending = pending[0];
    for (let k = 0; k < globals.length; k += 2) {
      const name = globals[k];
      const indexes = globalPending[name];
      if (indexes !== undefined) {
        indexes.push(globals[k + 1]);
        continue;
      }
      globalPending[name] = [globals[k + 1]];
      Object.defineProperty(globalThis, name, {
        configurable: true,
        enumerable: false,
        get() { loadFor(0, name); return globalThis[name]; },
        set(value) { loadFor(0, name); globalThis[name] = value; },
      });
    }
    for (let t = 1; t < 3; t++) {
      const target = targets[t];
      Object.setPrototypeOf(target, new Proxy(Object.prototype, {
        get(base, name, receiver) {
          if (typeof name === "string" && pendingOf(t)[name] !== undefined) {
            loadFor(t, name);
            if (Object.hasOwn(target, name)) return target[name];
          }
          return Reflect.get(base, name, receiver);
        },
      }));
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
        internal.track(promise); // 02-events.js, loaded on first use
      },
    });
  }
})(globalThis.__kindling);
