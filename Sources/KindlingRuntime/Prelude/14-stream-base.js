// Kindling prelude: what the WHATWG Streams files (14-stream-*.js) share — the internal namespace
// `internal.streams` (S below), promise helpers, a queue, queue-with-sizes, strategy extraction —
// and the two queuing strategy globals, CountQueuingStrategy and ByteLengthQueuingStrategy.
//
// How the streams files fit together: every public object (ReadableStream, its controllers and
// readers, WritableStream, TransformStream, …) holds one private field with a plain *record*, and
// the spec's abstract operations work on records (S.readableClose(record), …). A record points back
// at its public object. The files run in path order: this one first (the others take helpers from S
// when they load), then each defines its classes and reaches the others' operations through S at
// call time; only the TransformStream subclasses (14-stream-transforms-*.js) need their base class
// (14-stream-transform.js) at load.
//
// Internal hooks other prelude files use live on `internal` and are listed in 14-stream-body.js.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = (internal.streams = internal.streams || {});

  // Makes class `ctor` a global named `name`, as Web IDL exposes an interface: members enumerable,
  // Symbol.toStringTag set.
  S.publish = (ctor, name) => {
    internal.exposeMembers(ctor.prototype);
    internal.brand(ctor, name);
    internal.defineGlobal(name, ctor);
  };

  // ---------------------------------------------------------------- promises
  const resolved = (value) => Promise.resolve(value);
  const rejected = (reason) => Promise.reject(reason);
  // A promise whose rejection nobody has to handle ([[PromiseIsHandled]] = true in the spec).
  const handled = (promise) => {
    promise.then(undefined, () => {});
    return promise;
  };
  // { promise, resolve, reject }.
  const deferred = () => Promise.withResolvers();
  // Calls `method` on `target` with `args` and gives a promise, turning a throw into a rejection
  // ("promise-calling" a Web IDL callback).
  function promiseCall(method, target, ...args) {
    if (method === undefined) return resolved(undefined);
    try {
      return resolved(method.apply(target, args));
    } catch (e) {
      return rejected(e);
    }
  }
  S.resolved = resolved;
  S.rejected = rejected;
  S.handled = handled;
  S.deferred = deferred;
  S.promiseCall = promiseCall;
  // What `f` returns, or a promise rejected with what it throws: for methods that report errors as rejections.
  S.promising = (f) => {
    try {
      return f();
    } catch (e) {
      return rejected(e);
    }
  };
  S.UNDEFINED = resolved(undefined);
  // Runs `f` in a microtask (queueMicrotask without going through the global a worker may replace).
  S.microtask = (f) => {
    S.UNDEFINED.then(f);
  };

  // ---------------------------------------------------------------- a FIFO queue
  // Array.prototype.shift is linear on big arrays; this keeps a head index and compacts rarely.
  class Queue {
    constructor() {
      this.items = [];
      this.head = 0;
    }
    get length() {
      return this.items.length - this.head;
    }
    push(item) {
      this.items.push(item);
    }
    peek() {
      return this.items[this.head];
    }
    shift() {
      const item = this.items[this.head];
      this.items[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return item;
    }
    clear() {
      this.items = [];
      this.head = 0;
    }
    forEach(f) {
      for (let i = this.head; i < this.items.length; i++) f(this.items[i]);
    }
  }
  S.Queue = Queue;

  // ---------------------------------------------------------------- queue-with-sizes (spec §8.1)
  // The record has .queue (a Queue of { value, size }) and .queueTotalSize.
  S.resetQueue = (record) => {
    record.queue = new Queue();
    record.queueTotalSize = 0;
  };
  S.enqueueValueWithSize = (record, value, size) => {
    if (typeof size !== "number" || !(size >= 0) || size === Infinity) {
      throw new RangeError("The return value of a queuing strategy's size function must be a finite, non-NaN, non-negative number.");
    }
    record.queue.push({ value, size });
    record.queueTotalSize += size;
  };
  S.dequeueValue = (record) => {
    const pair = record.queue.shift();
    record.queueTotalSize -= pair.size;
    if (record.queueTotalSize < 0) record.queueTotalSize = 0; // rounding errors
    return pair.value;
  };
  S.peekQueueValue = (record) => record.queue.peek().value;

  // ---------------------------------------------------------------- strategies
  // ExtractHighWaterMark: strategy.highWaterMark or `fallback`; NaN and negatives are RangeErrors.
  S.extractHighWaterMark = (strategy, fallback) => {
    const value = strategy === undefined || strategy === null ? undefined : strategy.highWaterMark;
    if (value === undefined) return fallback;
    const hwm = Number(value);
    if (Number.isNaN(hwm) || hwm < 0) throw new RangeError("Invalid highWaterMark: it must be a non-negative number.");
    return hwm;
  };
  const one = () => 1;
  S.extractSizeAlgorithm = (strategy) => {
    const size = strategy === undefined || strategy === null ? undefined : strategy.size;
    if (size === undefined) return one;
    if (typeof size !== "function") throw new TypeError("The size member of a queuing strategy must be a function.");
    return (chunk) => size(chunk);
  };
  // The strategy argument of the stream constructors: undefined, null or an object.
  S.checkDictionary = (value, what) => {
    if (value !== undefined && value !== null && typeof value !== "object" && typeof value !== "function") {
      throw new TypeError(`${what} must be an object.`);
    }
    return value === null ? undefined : value;
  };
  // A Web IDL callback member: undefined or a function.
  S.callbackMember = (dict, name, what) => {
    const value = dict === undefined ? undefined : dict[name];
    if (value !== undefined && typeof value !== "function") throw new TypeError(`${what}.${name} must be a function.`);
    return value;
  };

  // CountQueuingStrategy and ByteLengthQueuingStrategy differ only in their size function, which
  // is shared by every instance, as the spec requires (and is named "size").
  const sizes = {
    CountQueuingStrategy: { size() { return 1; } }.size,
    ByteLengthQueuingStrategy: { size(chunk) { return chunk.byteLength; } }.size,
  };
  for (const name of Object.keys(sizes)) {
    const size = sizes[name];
    const ctor = {
      [name]: class {
        #highWaterMark;
        constructor(init) {
          if (init === undefined || init === null || (typeof init !== "object" && typeof init !== "function")) {
            throw new TypeError(`Failed to construct '${name}': 1 argument required, but only 0 present.`);
          }
          const hwm = init.highWaterMark;
          if (hwm === undefined) throw new TypeError(`Failed to construct '${name}': highWaterMark is required.`);
          this.#highWaterMark = Number(hwm);
        }
        get highWaterMark() {
          if (!(#highWaterMark in Object(this))) throw new TypeError("Illegal invocation");
          return this.#highWaterMark;
        }
        get size() {
          if (!(#highWaterMark in Object(this))) throw new TypeError("Illegal invocation");
          return size;
        }
      },
    }[name];
    S.publish(ctor, name);
  }

  // ---------------------------------------------------------------- bytes
  S.isDetached = (buffer) => buffer.detached === true;
  // TransferArrayBuffer: the bytes move to a new ArrayBuffer and the old one is detached.
  S.transfer = (buffer) => {
    if (buffer.detached === true) throw new TypeError("The ArrayBuffer has been detached.");
    return buffer.transfer();
  };
  // A Uint8Array over any BufferSource (sharing its memory); undefined for anything else.
  S.bytesOf = (chunk) => {
    if (chunk instanceof Uint8Array) return chunk;
    if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
    return undefined;
  };
  // Brand checks that give the platform's "Illegal invocation".
  S.illegal = () => new TypeError("Illegal invocation");
})();
