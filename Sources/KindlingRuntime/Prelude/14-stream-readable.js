// Kindling prelude: ReadableStream, ReadableStreamDefaultReader and ReadableStreamDefaultController
// (WHATWG Streams §4), with the abstract operations on stream, reader and default-controller
// records. Byte streams are in 14-stream-readable-bytes.js; tee, pipes and async iteration in
// 14-stream-tee.js and 14-stream-pipe.js. Error wording follows workerd.
//
// Records (see 14-stream-base.js):
//   stream     { stream, state: "readable"|"closed"|"errored", storedError, disturbed, reader, controller,
//                bodySource }   bodySource: the string/Uint8Array of a body nobody has read as a stream
//   reader     { reader, stream, closed: deferred, byob, requests: Queue of read(-into) requests }
//   controller { kind: "default"|"bytes", controller, stream, queue, queueTotalSize, started, closeRequested,
//                pulling, pullAgain, hwm, pullAlgorithm, cancelAlgorithm, size | byte-stream fields }
// A read request is { chunk(value), close(value), error(reason) }.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { resolved, rejected, handled, deferred, promiseCall, UNDEFINED } = S;

  const LOCKED = "This ReadableStream is currently locked to a reader.";
  const RELEASED = "This ReadableStream reader has been released.";
  const CLOSED = "This ReadableStream is closed.";
  S.LOCKED_MESSAGE = LOCKED;
  const TOKEN = Object.freeze({}); // reserves the constructors below to this file

  // ---------------------------------------------------------------- ReadableStream
  class ReadableStream {
    #r;

    constructor(underlyingSource = undefined, strategy = undefined) {
      if (underlyingSource === TOKEN) {
        this.#r = strategy;
        strategy.stream = this;
        return;
      }
      this.#r = newStreamRecord(this);
      const source = S.checkDictionary(underlyingSource, "The underlying source");
      strategy = S.checkDictionary(strategy, "The queuing strategy");
      // Dictionary members in Web IDL (lexicographic) order.
      const autoAllocate = source === undefined ? undefined : source.autoAllocateChunkSize;
      const cancel = S.callbackMember(source, "cancel", "underlyingSource");
      const pull = S.callbackMember(source, "pull", "underlyingSource");
      const start = S.callbackMember(source, "start", "underlyingSource");
      const type = source === undefined ? undefined : source.type;
      if (type !== undefined && `${type}` !== "bytes") {
        throw new TypeError(`Failed to construct 'ReadableStream': '${type}' is not a valid value for type.`);
      }
      if (type !== undefined) {
        if (strategy !== undefined && strategy.size !== undefined) {
          throw new RangeError("The strategy for a byte stream cannot have a size function.");
        }
        const hwm = S.extractHighWaterMark(strategy, 0);
        let chunkSize;
        if (autoAllocate !== undefined) {
          chunkSize = Number(autoAllocate);
          if (!Number.isFinite(chunkSize) || Math.trunc(chunkSize) <= 0) {
            throw new TypeError("autoAllocateChunkSize must be greater than 0.");
          }
          chunkSize = Math.trunc(chunkSize);
        }
        S.setUpByteController(
          this.#r, (c) => (start === undefined ? undefined : start.call(source, c)),
          (c) => promiseCall(pull, source, c), (reason) => promiseCall(cancel, source, reason), hwm, chunkSize);
        return;
      }
      const size = S.extractSizeAlgorithm(strategy);
      const hwm = S.extractHighWaterMark(strategy, 1);
      setUpDefaultController(
        this.#r, (c) => (start === undefined ? undefined : start.call(source, c)),
        (c) => promiseCall(pull, source, c), (reason) => promiseCall(cancel, source, reason), hwm, size);
    }

    static {
      S.readableRecord = (s) => {
        if (s === null || typeof s !== "object" || !(#r in s)) throw S.illegal();
        return s.#r;
      };
      S.isReadableStream = (s) => s !== null && typeof s === "object" && #r in s;
      S.newReadableStream = (record) => new ReadableStream(TOKEN, record);
    }

    get locked() {
      return S.readableRecord(this).reader !== null;
    }

    cancel(reason = undefined) {
      return S.promising(() => {
        const r = S.readableRecord(this);
        if (r.reader !== null) throw new TypeError(LOCKED);
        return readableCancel(r, reason);
      });
    }

    getReader(options = undefined) {
      const r = S.readableRecord(this);
      options = S.checkDictionary(options, "getReader options");
      const mode = options === undefined ? undefined : options.mode;
      if (mode === undefined) return acquireReader(r, false).reader;
      if (`${mode}` !== "byob") {
        throw new TypeError(`Failed to execute 'getReader' on 'ReadableStream': '${mode}' is not a valid value for mode.`);
      }
      return acquireReader(r, true).reader;
    }

    pipeThrough(transform, options = undefined) {
      return S.pipeThrough(S.readableRecord(this), transform, options);
    }

    pipeTo(destination, options = undefined) {
      return S.promising(() => S.pipeTo(S.readableRecord(this), destination, options));
    }

    tee() {
      return S.tee(S.readableRecord(this));
    }

    values(options = undefined) {
      return S.asyncIterator(S.readableRecord(this), options);
    }

    static from(asyncIterable) {
      return S.readableFrom(asyncIterable);
    }
  }
  Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, {
    value: ReadableStream.prototype.values, writable: true, configurable: true, enumerable: false,
  });
  S.publish(ReadableStream, "ReadableStream");

  function newStreamRecord(stream) {
    return {
      stream, state: "readable", storedError: undefined, disturbed: false, reader: null, controller: null,
      bodySource: null,
    };
  }

  // CreateReadableStream: a default-controller stream over internal algorithms taking the
  // controller record: start(c) → value, pull(c) → promise, cancel(reason) → promise.
  S.createReadableStream = (start, pull, cancel, hwm = 1, size = () => 1) => {
    const r = newStreamRecord(null);
    S.newReadableStream(r);
    setUpDefaultController(r, start, pull, cancel, hwm, size, true);
    return r;
  };
  // CreateReadableByteStream (high-water mark 0, no auto-allocation).
  S.createReadableByteStream = (start, pull, cancel) => {
    const r = newStreamRecord(null);
    S.newReadableStream(r);
    S.setUpByteController(r, start, pull, cancel, 0, undefined, true);
    return r;
  };

  // ---------------------------------------------------------------- stream operations
  const isLocked = (r) => r.reader !== null;
  S.isReadableLocked = isLocked;

  function readableCancel(r, reason) {
    r.disturbed = true;
    r.bodySource = null;
    if (r.state === "closed") return UNDEFINED;
    if (r.state === "errored") return rejected(r.storedError);
    readableClose(r);
    const reader = r.reader;
    if (reader !== null && reader.byob) {
      const requests = reader.requests;
      reader.requests = new S.Queue();
      requests.forEach((request) => request.close(undefined));
    }
    const c = r.controller;
    const result = c.kind === "bytes" ? S.byteCancelSteps(c, reason) : defaultCancelSteps(c, reason);
    return result.then(() => undefined);
  }
  S.readableCancel = readableCancel;

  function readableClose(r) {
    r.state = "closed";
    const reader = r.reader;
    if (reader === null) return;
    reader.closed.resolve(undefined);
    if (!reader.byob) {
      const requests = reader.requests;
      reader.requests = new S.Queue();
      requests.forEach((request) => request.close(undefined));
    }
  }
  S.readableClose = readableClose;

  function readableError(r, e) {
    r.state = "errored";
    r.storedError = e;
    r.bodySource = null;
    const reader = r.reader;
    if (reader === null) return;
    reader.closed.reject(e);
    handled(reader.closed.promise);
    errorRequests(reader, e);
  }
  S.readableError = readableError;

  function errorRequests(reader, e) {
    const requests = reader.requests;
    reader.requests = new S.Queue();
    requests.forEach((request) => request.error(e));
  }

  // ReadableStreamAddReadRequest / AddReadIntoRequest.
  S.addRequest = (r, request) => r.reader.requests.push(request);
  // ReadableStreamFulfillReadRequest / FulfillReadIntoRequest.
  S.fulfillRequest = (r, chunk, done) => {
    const request = r.reader.requests.shift();
    if (done) request.close(chunk);
    else request.chunk(chunk);
  };
  S.numRequests = (r) => (r.reader === null ? 0 : r.reader.requests.length);
  S.hasDefaultReader = (r) => r.reader !== null && !r.reader.byob;
  S.hasBYOBReader = (r) => r.reader !== null && r.reader.byob;

  // ---------------------------------------------------------------- readers
  function acquireReader(r, byob) {
    if (isLocked(r)) throw new TypeError(LOCKED);
    if (byob && r.controller.kind !== "bytes") {
      throw new TypeError("This ReadableStream does not support BYOB reads; only byte streams (type: \"bytes\") do.");
    }
    const reader = { reader: null, stream: r, closed: deferred(), byob, requests: new S.Queue() };
    r.reader = reader;
    if (r.state === "closed") reader.closed.resolve(undefined);
    else if (r.state === "errored") {
      reader.closed.reject(r.storedError);
      handled(reader.closed.promise);
    }
    reader.reader = byob ? S.newBYOBReader(reader) : new ReadableStreamDefaultReader(TOKEN, reader);
    return reader;
  }
  S.acquireReader = acquireReader;

  // ReadableStreamReaderGenericRelease, then the reader type's own steps.
  function releaseReader(reader) {
    const r = reader.stream;
    const e = new TypeError(RELEASED);
    if (r.state === "readable") reader.closed.reject(e);
    else reader.closed = { promise: rejected(e), resolve() {}, reject() {} };
    handled(reader.closed.promise);
    const c = r.controller;
    if (c.kind === "bytes") S.byteReleaseSteps(c);
    r.reader = null;
    reader.stream = null;
    errorRequests(reader, new TypeError(RELEASED));
  }
  S.releaseReader = releaseReader;

  // ReadableStreamDefaultReaderRead.
  function readerRead(reader, request) {
    const r = reader.stream;
    r.disturbed = true;
    if (r.state === "closed") request.close(undefined);
    else if (r.state === "errored") request.error(r.storedError);
    else if (r.controller.kind === "bytes") S.bytePullSteps(r.controller, request);
    else defaultPullSteps(r.controller, request);
  }
  S.readerRead = readerRead;

  // ReadableStreamReaderGenericCancel, for the readers' cancel() (a released reader is a TypeError).
  S.readerCancel = (reader, reason) => {
    if (reader.stream === null) throw new TypeError(RELEASED);
    return readableCancel(reader.stream, reason);
  };

  // The read request behind a promise from read(): resolves with { value, done }.
  class PromiseReadRequest {
    constructor() {
      const d = deferred();
      this.promise = d.promise;
      this.resolve = d.resolve;
      this.reject = d.reject;
    }
    chunk(value) {
      this.resolve({ value, done: false });
    }
    close(value) {
      this.resolve({ value, done: true });
    }
    error(e) {
      this.reject(e);
    }
  }
  S.PromiseReadRequest = PromiseReadRequest;

  class ReadableStreamDefaultReader {
    #reader;

    constructor(stream, record = undefined) {
      if (stream === TOKEN) {
        this.#reader = record;
        return;
      }
      internal.argCount(arguments.length, 1, "Failed to construct 'ReadableStreamDefaultReader'");
      const reader = acquireReader(S.readableRecord(stream), false);
      reader.reader = this;
      this.#reader = reader;
    }

    static #record(self) {
      if (self === null || typeof self !== "object" || !(#reader in self)) throw S.illegal();
      return self.#reader;
    }

    get closed() {
      try {
        return ReadableStreamDefaultReader.#record(this).closed.promise;
      } catch (e) {
        return rejected(e);
      }
    }

    read() {
      let reader;
      try {
        reader = ReadableStreamDefaultReader.#record(this);
      } catch (e) {
        return rejected(e);
      }
      if (reader.stream === null) return rejected(new TypeError(RELEASED));
      const request = new PromiseReadRequest();
      readerRead(reader, request);
      return request.promise;
    }

    cancel(reason = undefined) {
      return S.promising(() => S.readerCancel(ReadableStreamDefaultReader.#record(this), reason));
    }

    releaseLock() {
      const reader = ReadableStreamDefaultReader.#record(this);
      if (reader.stream !== null) releaseReader(reader);
    }
  }
  S.publish(ReadableStreamDefaultReader, "ReadableStreamDefaultReader");

  // ---------------------------------------------------------------- default controller
  class ReadableStreamDefaultController {
    #c;

    constructor(token = undefined, record = undefined) {
      if (token !== TOKEN) throw new TypeError("Illegal constructor");
      this.#c = record;
    }

    static #record(self) {
      if (self === null || typeof self !== "object" || !(#c in self)) throw S.illegal();
      return self.#c;
    }

    get desiredSize() {
      return desiredSize(ReadableStreamDefaultController.#record(this));
    }

    close() {
      const c = ReadableStreamDefaultController.#record(this);
      if (!canCloseOrEnqueue(c)) throw new TypeError(CLOSED);
      defaultClose(c);
    }

    enqueue(chunk = undefined) {
      const c = ReadableStreamDefaultController.#record(this);
      if (!canCloseOrEnqueue(c)) throw new TypeError(CLOSED);
      defaultEnqueue(c, chunk);
    }

    error(e = undefined) {
      defaultError(ReadableStreamDefaultController.#record(this), e);
    }
  }
  S.publish(ReadableStreamDefaultController, "ReadableStreamDefaultController");

  // SetUpReadableStreamDefaultController. `internalAlgorithms`: the algorithms take the controller
  // record rather than the public controller object.
  function setUpDefaultController(r, start, pull, cancel, hwm, size, internalAlgorithms = false) {
    const c = {
      kind: "default", controller: null, stream: r, queue: null, queueTotalSize: 0, started: false,
      closeRequested: false, pulling: false, pullAgain: false, hwm, size, pullAlgorithm: null, cancelAlgorithm: cancel,
    };
    c.controller = new ReadableStreamDefaultController(TOKEN, c);
    startController(r, c, start, pull, internalAlgorithms);
  }

  // The steps both kinds of controller share once their record `c` is made: wire it to the stream,
  // run start, and pull when start has settled.
  function startController(r, c, start, pull, internalAlgorithms) {
    S.resetQueue(c);
    const argument = internalAlgorithms ? c : c.controller;
    c.pullAlgorithm = () => pull(argument);
    r.controller = c;
    const startResult = start === undefined ? undefined : start(argument);
    resolved(startResult).then(
      () => {
        c.started = true;
        callPullIfNeeded(c);
      },
      (e) => controllerError(c, e),
    );
  }
  S.startController = startController;

  const controllerError = (c, e) => (c.kind === "bytes" ? S.byteError(c, e) : defaultError(c, e));

  // ReadableStreamDefaultControllerCallPullIfNeeded / ReadableByteStreamControllerCallPullIfNeeded.
  function callPullIfNeeded(c) {
    if (!(c.kind === "bytes" ? S.byteShouldCallPull(c) : shouldCallPull(c))) return;
    if (c.pulling) {
      c.pullAgain = true;
      return;
    }
    c.pulling = true;
    c.pullAlgorithm().then(
      () => {
        c.pulling = false;
        if (c.pullAgain) {
          c.pullAgain = false;
          callPullIfNeeded(c);
        }
      },
      (e) => controllerError(c, e),
    );
  }
  S.callPullIfNeeded = callPullIfNeeded;

  function shouldCallPull(c) {
    if (!canCloseOrEnqueue(c) || !c.started) return false;
    const r = c.stream;
    if (isLocked(r) && S.numRequests(r) > 0) return true;
    return desiredSize(c) > 0;
  }

  function clearAlgorithms(c) {
    c.pullAlgorithm = null;
    c.cancelAlgorithm = null;
    c.size = null;
  }

  const canCloseOrEnqueue = (c) => !c.closeRequested && c.stream.state === "readable";
  S.defaultCanCloseOrEnqueue = canCloseOrEnqueue;

  function desiredSize(c) {
    const state = c.stream.state;
    if (state === "errored") return null;
    if (state === "closed") return 0;
    return c.hwm - c.queueTotalSize;
  }
  S.controllerDesiredSize = desiredSize;
  // ReadableStreamDefaultControllerHasBackpressure.
  S.defaultHasBackpressure = (c) => !shouldCallPull(c);

  function defaultClose(c) {
    if (!canCloseOrEnqueue(c)) return;
    c.closeRequested = true;
    if (c.queue.length === 0) {
      clearAlgorithms(c);
      readableClose(c.stream);
    }
  }
  S.defaultClose = defaultClose;

  function defaultEnqueue(c, chunk) {
    if (!canCloseOrEnqueue(c)) return;
    const r = c.stream;
    if (isLocked(r) && S.numRequests(r) > 0) {
      S.fulfillRequest(r, chunk, false);
    } else {
      let size;
      try {
        size = c.size(chunk);
        S.enqueueValueWithSize(c, chunk, size);
      } catch (e) {
        defaultError(c, e);
        throw e;
      }
    }
    callPullIfNeeded(c);
  }
  S.defaultEnqueue = defaultEnqueue;

  function defaultError(c, e) {
    if (c.stream.state !== "readable") return;
    S.resetQueue(c);
    clearAlgorithms(c);
    readableError(c.stream, e);
  }
  S.defaultError = defaultError;

  function defaultPullSteps(c, request) {
    if (c.queue.length > 0) {
      const chunk = S.dequeueValue(c);
      if (c.closeRequested && c.queue.length === 0) {
        clearAlgorithms(c);
        readableClose(c.stream);
      } else {
        callPullIfNeeded(c);
      }
      request.chunk(chunk);
      return;
    }
    S.addRequest(c.stream, request);
    callPullIfNeeded(c);
  }

  function defaultCancelSteps(c, reason) {
    S.resetQueue(c);
    const cancel = c.cancelAlgorithm;
    clearAlgorithms(c);
    return cancel === null ? UNDEFINED : cancel(reason);
  }
})();
