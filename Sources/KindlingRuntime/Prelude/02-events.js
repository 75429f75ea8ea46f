// Kindling runtime prelude, deferred until first use (see Prelude.swift): delivering events to the worker.
//
// - ExecutionContext (`ctx`) and waitUntil tracking (internal.track, for `waitUntil` of cloudflare:workers in 20-runtime.js).
// - Service-worker scripts: addEventListener/removeEventListener, FetchEvent, ScheduledEvent.
// - host.invoke / host.construct / host.fetch / host.scheduled / host.drainWaitUntil, which Swift calls with an id
//   and which answer through host.settle(id, fulfilled, value).
(function (host) {
  "use strict";
  const internal = host.internal;
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });

  // --- ctx and waitUntil ---------------------------------------------------------------------------------------------
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
  internal.track = track;
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
    if (kind === "class") return new exports[name](ctx, internal.env());
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
    let body;
    let headers = internal.headersJoined(response.headers);
    try {
      const length = internal.declaredLength(response);
      if (length !== undefined && !internal.headersHas(response.headers, "content-length")) {
        headers += (headers === "" ? "" : "\0") + "content-length\0" + length;
      }
      body = outgoingBody(response);
    } catch (error) {
      host.settle(id, false, error);
      return;
    }
    host.respond(id, response.status, response.statusText, headers, body);
  }

  // --- bodies crossing to Swift (ScriptContext+Bodies.swift) ----------------------------------------------------
  // What Swift gets of a body: null, a string (JavaScriptCore's UTF-8 conversion beats encoding it in JS), bytes,
  // or — only for a real stream, never for a string/bytes body nobody read as a stream — a BodyReader over the
  // stream, which Swift reads as its consumer asks for more. A stream Swift itself feeds (an upload, a fetched
  // response) that nobody has read goes back as the handle of Swift's stream, so no chunk passes through JS.
  // The declared length of a body that is a stream of known length (a FixedLengthStream's readable side), or
  // undefined. Such a body leaves with that Content-Length, as in workerd, unless the worker set one; JS never sees
  // the header added.
  internal.declaredLength = function (message) {
    const source = internal.bodySource(message);
    if (source === null || typeof source === "string" || source instanceof Uint8Array) return undefined;
    return internal.streamKnownLength?.(source);
  };
  function outgoingBody(message) {
    const source = internal.takeBodySource(message);
    if (source === null || typeof source === "string" || source instanceof Uint8Array) return source;
    const handle = internal.unwrapHostStream(source);
    if (handle !== undefined) return handle;
    return new BodyReader(source.getReader());
  }
  const NOT_BYTES = "This ReadableStream did not return bytes.";
  // Chunks read for one request from Swift stop at this many bytes: enough to spare a thread hop per small
  // chunk, small enough to keep memory flat.
  const BATCH_BYTES = 256 * 1024;

  // Reads a stream for Swift in batches. Swift asks with readBody(id); the reader then reads chunks for as long
  // as they come without waiting for other work (a queue already filled, a pull that enqueues at once), up to
  // BATCH_BYTES. Microtasks drain before Swift regains control, so when Swift calls flushBody right after, every
  // chunk available at once has been read: the batch settles (id) with them. If none was, the first chunk to
  // come settles it. No read starts unless Swift asked.
  class BodyReader {
    constructor(reader) {
      this.reader = reader;
      this.chunks = [];
      this.size = 0;
      this.reading = false;
      this.ended = false;
      this.error = undefined;
      this.failed = false;
      this.id = 0; // the request Swift waits on, 0 when none
      this.flushed = false; // Swift's flush came: settle as soon as anything is there
    }
    request(id) {
      this.id = id;
      this.flushed = false;
      this.pump();
    }
    flush() {
      this.flushed = true;
      this.deliver();
    }
    pump() {
      if (this.reading || this.ended || this.failed || this.id === 0 || this.size >= BATCH_BYTES) return;
      this.reading = true;
      this.reader.read().then(
        (result) => {
          this.reading = false;
          if (result.done) {
            this.ended = true;
          } else if (ArrayBuffer.isView(result.value) || result.value instanceof ArrayBuffer) {
            this.chunks.push(result.value);
            this.size += result.value.byteLength;
          } else {
            this.failed = true;
            this.error = new TypeError(NOT_BYTES);
            this.reader.cancel(this.error).catch(() => {});
          }
          if (this.flushed) this.deliver();
          else this.pump();
        },
        (error) => {
          this.reading = false;
          this.failed = true;
          this.error = error;
          if (this.flushed) this.deliver();
        }
      );
    }
    // Settles the waiting request with the chunks read (an array), or null at the end, or the stream's error.
    deliver() {
      const id = this.id;
      if (id === 0) return;
      if (this.chunks.length > 0) {
        const chunks = this.chunks;
        this.chunks = [];
        this.size = 0;
        this.id = 0;
        host.settle(id, true, chunks);
      } else if (this.ended) {
        this.id = 0;
        host.settle(id, true, null);
      } else if (this.failed) {
        this.id = 0;
        host.settle(id, false, this.error);
      } else {
        this.pump();
      }
    }
  }
  host.readBody = (bodyReader, id) => bodyReader.request(id);
  host.flushBody = (bodyReader) => bodyReader.flush();
  // The consumer went away (a client disconnected): the stream's cancel algorithm runs.
  host.cancelBody = function (bodyReader) {
    bodyReader.reader.cancel().catch(() => {});
  };
  // A request (or a service binding's response) body streamed from Swift: a byte stream (14-stream-body.js's
  // host-fed kind, which adopts each chunk without copying) whose pull asks Swift for one chunk; reading stops
  // asking, cancelling tells Swift.
  host.incomingBody = function (pull, cancel, handle) {
    const [stream] = internal.newByteStream(
      (controller) =>
        pull().then((chunk) => {
          if (chunk === null) internal.closeBytes(controller);
          else internal.enqueueBytes(controller, chunk);
        }),
      () => {
        cancel();
        return Promise.resolve();
      },
      handle
    );
    return stream;
  };
  // A body for a host function's arguments: bytes as they are, a stream as a handle Swift turns into a BodyStream
  // (a service binding's request body).
  internal.hostBody = function (message) {
    const source = outgoingBody(message);
    return source instanceof BodyReader ? host.makeStreamHandle(source) : source;
  };

  // Builds the incoming Request and runs the fetch handler: a module export (`kind` "object" or "class") or, when
  // `exports` is null, the service worker's "fetch" listeners. Settles with responseParts.
  host.fetch = function (exports, name, kind, method, url, headers, body, id) {
    let result;
    try {
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
        result = exports[name].fetch(request, internal.env(), ctx);
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
        const target = kind === "class" ? new exports[name](ctx, internal.env()) : exports[name];
        result = kind === "class" ? target.scheduled(controller) : target.scheduled(controller, internal.env(), ctx);
      }
    } catch (error) {
      host.settle(id, false, error);
      return;
    }
    settleWith(Promise.resolve(result).then(() => ExecutionContext.settled(ctx)), id, () => host.settle(id, true, undefined));
  };

})(globalThis.__kindling);
