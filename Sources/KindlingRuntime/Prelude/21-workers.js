// Kindling runtime prelude: what a worker script sees of the Workers platform beyond the Web APIs, and the
// helpers Swift calls to run it.
//
// - `host.require`, the built-in module table: bundles keep `cloudflare:*` and `node:*` imports external, and
//   esbuild turns them into calls to a free `require`, which the loader binds to this function (it is not a
//   global, as on the platform).
// - `cloudflare:workers`: WorkerEntrypoint, DurableObject, WorkflowEntrypoint, RpcTarget, env, waitUntil.
// - Service-worker scripts: addEventListener/removeEventListener, FetchEvent, ScheduledEvent.
// - ExecutionContext (`ctx`), and host.describeExports / host.invoke / host.fetch, which Swift calls with an
//   id and which answer through host.settle(id, fulfilled, value).
(function (host) {
  "use strict";
  // The internal object the Web API files share; this file runs before them (they are deferred), so it may have
  // to create it, the way 10-encoding.js does.
  const INTERNAL = Symbol.for("kindling.internal");
  if (!Object.prototype.hasOwnProperty.call(globalThis, INTERNAL)) {
    Object.defineProperty(globalThis, INTERNAL, { value: {}, writable: false, enumerable: false, configurable: true });
  }
  const internal = globalThis[INTERNAL];
  internal.ensureWebAPIs = () => {};

  host.globalNames = () => Object.getOwnPropertyNames(globalThis);

  // Replaces the Web API globals with accessors that run the deferred Web API files (`load`) on first use, get or
  // set; the files then define the real globals in their place. See Prelude.swift.
  host.deferGlobals = function (names, load) {
    let loaded = false;
    const ensure = () => {
      if (loaded) return;
      loaded = true;
      for (const name of names) delete globalThis[name];
      load();
    };
    internal.ensureWebAPIs = ensure;
    // Reaching for the internal object itself (the prelude's own tests do) loads them too.
    Object.defineProperty(globalThis, INTERNAL, {
      get() { ensure(); return internal; }, enumerable: false, configurable: false,
    });
    for (const name of names) {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        enumerable: false,
        get() { ensure(); return globalThis[name]; },
        set(value) { ensure(); globalThis[name] = value; },
      });
    }
  };
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });

  host.getInternal = () => internal;
  // crypto.subtle's primitives (WebAPI/Crypto), for the deferred 1d-crypto-*.js files, which run after __kindling
  // is gone.
  internal.cryptoNative = host.cryptoNative;

  // --- env and ctx ---------------------------------------------------------------------------------------------
  let currentEnv = {};
  host.setEnvironment = function (env, asGlobals) {
    currentEnv = env;
    if (asGlobals) for (const name of Object.keys(env)) define(globalThis, name, env[name]);
  };

  function report(error) {
    if (typeof globalThis.reportError === "function") globalThis.reportError(error);
  }

  // Every waitUntil promise not yet settled, across requests, so Swift can wait for them (tests, shutdown).
  const outstanding = new Set();
  function track(promise) {
    const tracked = Promise.resolve(promise).catch(report).finally(() => outstanding.delete(tracked));
    outstanding.add(tracked);
    return tracked;
  }
  // Settles (id) once every waitUntil promise made so far, and any they add meanwhile, has settled.
  host.drainWaitUntil = function (id) {
    const round = () => (outstanding.size === 0 ? undefined : Promise.all([...outstanding]).then(round));
    Promise.resolve(round()).then(() => host.settle(id, true, undefined));
  };

  class ExecutionContext {
    #waiting = [];
    constructor() {
      this.props = {};
    }
    waitUntil(promise) {
      if (!(this instanceof ExecutionContext)) throw new TypeError("Illegal invocation");
      this.#waiting.push(track(promise));
    }
    passThroughOnException() {}
    static settled(ctx) {
      return Promise.all(ctx.#waiting);
    }
  }
  Object.defineProperty(ExecutionContext.prototype, Symbol.toStringTag, { value: "ExecutionContext", configurable: true });
  define(globalThis, "ExecutionContext", ExecutionContext);

  // --- cloudflare:workers ----------------------------------------------------------------------------------------
  // Behaviour (RPC, storage, steps) arrives with the issues that need it; the shapes are the platform's.
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
  const bases = new Map([
    [WorkerEntrypoint, "WorkerEntrypoint"], [DurableObject, "DurableObject"],
    [WorkflowEntrypoint, "WorkflowEntrypoint"], [RpcTarget, "RpcTarget"],
  ]);
  const workersModule = Object.freeze({
    WorkerEntrypoint, DurableObject, WorkflowEntrypoint, RpcTarget,
    get env() { return currentEnv; },
    waitUntil(promise) { track(promise); },
  });

  const builtins = new Map([["cloudflare:workers", workersModule]]);
  host.require = function require(specifier) {
    const name = String(specifier);
    const module = builtins.get(name);
    if (module === undefined) {
      const hint = name.startsWith("node:") ? " Kindling does not provide Node.js built-in modules yet." : "";
      throw new Error(`No such module "${name}".${hint}`);
    }
    return module;
  };

  // --- service-worker format ---------------------------------------------------------------------------------------
  const listeners = new Map();
  define(globalThis, "addEventListener", function addEventListener(type, listener) {
    if (typeof listener !== "function" && !(listener && typeof listener.handleEvent === "function")) return;
    const list = listeners.get(String(type)) || [];
    if (!list.includes(listener)) list.push(listener);
    listeners.set(String(type), list);
  });
  define(globalThis, "removeEventListener", function removeEventListener(type, listener) {
    const list = listeners.get(String(type));
    if (list) listeners.set(String(type), list.filter((l) => l !== listener));
  });
  host.listenerTypes = () => [...listeners].filter(([, list]) => list.length > 0).map(([type]) => type);

  function dispatch(event) {
    for (const listener of listeners.get(event.type) || []) {
      if (typeof listener === "function") listener.call(globalThis, event);
      else listener.handleEvent(event);
    }
  }

  class ExtendableEvent {
    #ctx;
    constructor(type, ctx) {
      this.type = type;
      this.#ctx = ctx;
    }
    waitUntil(promise) { this.#ctx.waitUntil(promise); }
  }
  class FetchEvent extends ExtendableEvent {
    #request;
    #response;
    constructor(type, init) {
      super(type, init.ctx);
      this.#request = init.request;
    }
    get request() { return this.#request; }
    respondWith(response) {
      if (this.#response !== undefined) throw new Error("FetchEvent.respondWith() has already been called.");
      this.#response = Promise.resolve(response);
    }
    passThroughOnException() {}
    static response(event) { return event.#response; }
  }
  class ScheduledEvent extends ExtendableEvent {
    constructor(type, init) {
      super(type, init.ctx);
      this.scheduledTime = init.scheduledTime;
      this.cron = init.cron;
    }
    noRetry() {}
  }
  define(globalThis, "FetchEvent", FetchEvent);
  define(globalThis, "ScheduledEvent", ScheduledEvent);

  // --- reading exports ------------------------------------------------------------------------------------------------
  function baseOf(value) {
    for (let proto = value; typeof proto === "function" && proto !== Function.prototype; proto = Object.getPrototypeOf(proto)) {
      const base = bases.get(proto);
      if (base !== undefined) return base;
    }
    return "";
  }
  function isClass(value) {
    return typeof value === "function" && (baseOf(value) !== "" || /^class[\s{]/.test(Function.prototype.toString.call(value)));
  }
  function methodNames(object, stop) {
    const names = new Set();
    for (let o = object; o !== null && o !== stop && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      for (const key of Object.getOwnPropertyNames(o)) {
        if (key === "constructor") continue;
        const descriptor = Object.getOwnPropertyDescriptor(o, key);
        if (typeof descriptor.value === "function") names.add(key);
      }
    }
    return [...names].sort();
  }
  // [[name, kind, base, methods]] for each export; kind is "class", "function", "object" or "value".
  host.describeExports = function (exports) {
    return Object.keys(exports).sort().map((name) => {
      const value = exports[name];
      if (isClass(value)) {
        const base = baseOf(value);
        const stop = base ? [...bases].find(([, n]) => n === base)[0].prototype : null;
        return [name, "class", base, methodNames(value.prototype, stop)];
      }
      if (typeof value === "function") return [name, "function", "", []];
      if (value !== null && typeof value === "object") return [name, "object", "", methodNames(value, null)];
      return [name, "value", "", []];
    });
  };

  // --- delivering events ---------------------------------------------------------------------------------------------
  function settleWith(result, id, map) {
    if (result instanceof Promise) {
      result.then((value) => map(value, id), (error) => host.settle(id, false, error));
    } else {
      map(result, id);
    }
  }
  const settleValue = (value, id) => host.settle(id, true, value);

  // The object a call goes to: a new instance of a class export (constructed with (ctx, env), as workerd does for
  // entrypoint classes), an object export, or (kind "instance") `exports` itself, an object Swift keeps.
  function targetOf(exports, name, kind, ctx) {
    if (kind === "class") return new exports[name](ctx, currentEnv);
    if (kind === "instance") return exports;
    return exports[name];
  }
  function methodOf(target, method) {
    const fn = target[method];
    if (typeof fn !== "function") throw new TypeError(`The object has no method "${method}".`);
    return fn;
  }

  // Calls method `method` of the target with `args` (a function export is called itself).
  host.invoke = function (exports, name, kind, method, args, id) {
    let result;
    try {
      if (kind === "function") {
        result = exports[name](...args);
      } else {
        const target = targetOf(exports, name, kind, new ExecutionContext());
        result = methodOf(target, method).apply(target, args);
      }
    } catch (error) {
      host.settle(id, false, error);
      return;
    }
    settleWith(result, id, settleValue);
  };

  // `new exports[name](...args)`, for objects Swift keeps (Durable Object instances).
  host.construct = function (exports, name, args) {
    return new exports[name](...args);
  };

  function settleResponse(response, id) {
    if (!internal.isResponse(response)) {
      host.settle(id, false, new TypeError("Incorrect type for Promise: the Promise did not resolve to 'Response'."));
      return;
    }
    // A string body goes to Swift as a string: JavaScriptCore's UTF-8 conversion beats encoding it in JS.
    const parts = [response.status, response.statusText, internal.headersJoined(response.headers), internal.consumeBody(response)];
    const body = parts[3];
    if (body instanceof Promise) {
      body.then((bytes) => { parts[3] = bytes; host.settle(id, true, parts); }, (error) => host.settle(id, false, error));
    } else {
      host.settle(id, true, parts);
    }
  }

  // Builds the incoming Request and runs the fetch handler: a module export (`kind` "object" or "class") or, when
  // `exports` is null, the service worker's "fetch" listeners. Settles with responseParts.
  host.fetch = function (exports, name, kind, method, url, headers, body, id) {
    let result;
    try {
      internal.ensureWebAPIs();
      const request = internal.newRequest(method, url, headers, body, undefined);
      const ctx = new ExecutionContext();
      if (exports == null) {
        const event = new FetchEvent("fetch", { request, ctx });
        dispatch(event);
        result = FetchEvent.response(event);
        if (result === undefined) throw new Error("No response! The \"fetch\" event listener did not call respondWith().");
      } else if (kind === "class" || kind === "instance") {
        const target = targetOf(exports, name, kind, ctx);
        result = methodOf(target, "fetch").call(target, request);
      } else {
        result = exports[name].fetch(request, currentEnv, ctx);
      }
    } catch (error) {
      host.settle(id, false, error);
      return;
    }
    settleWith(result, id, settleResponse);
  };

  // Runs the scheduled handler and waits for its waitUntil promises; settles with undefined.
  host.scheduled = function (exports, name, kind, scheduledTime, cron, id) {
    let result;
    const ctx = new ExecutionContext();
    try {
      if (exports == null) {
        dispatch(new ScheduledEvent("scheduled", { ctx, scheduledTime, cron }));
      } else {
        const controller = { scheduledTime, cron, noRetry() {} };
        const target = kind === "class" ? new exports[name](ctx, currentEnv) : exports[name];
        result = kind === "class" ? target.scheduled(controller) : target.scheduled(controller, currentEnv, ctx);
      }
    } catch (error) {
      host.settle(id, false, error);
      return;
    }
    settleWith(Promise.resolve(result).then(() => ExecutionContext.settled(ctx)), id, () => host.settle(id, true, undefined));
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
})(globalThis.__kindling);
