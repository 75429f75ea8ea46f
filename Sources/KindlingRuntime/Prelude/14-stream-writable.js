// Kindling prelude: WritableStream, WritableStreamDefaultWriter and WritableStreamDefaultController
// (WHATWG Streams §5), with the abstract operations on their records. Error wording follows workerd.
//
// Records:
//   stream     { stream, state: "writable"|"closed"|"erroring"|"errored", storedError, writer, controller,
//                writeRequests: Queue of deferreds, inFlightWriteRequest, closeRequest, inFlightCloseRequest,
//                pendingAbortRequest: { promise: deferred, reason, wasAlreadyErroring } | null, backpressure }
//   writer     { writer, stream, ready: settleable, closed: settleable }
//   controller { controller, stream, queue, queueTotalSize, started, hwm, size, writeAlgorithm,
//                closeAlgorithm, abortAlgorithm, abortController }
// A settleable is a deferred that knows whether it is still pending.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { resolved, rejected, handled, deferred, promiseCall, UNDEFINED } = S;

  const LOCKED = "This WritableStream is currently locked to a writer.";
  const RELEASED = "This WritableStream writer has been released.";
  const CLOSING = "This WritableStream has been closed.";
  const TOKEN = Object.freeze({});
  const CLOSE_SENTINEL = Object.freeze({});

  function settleable() {
    const d = deferred();
    const s = { promise: d.promise, pending: true };
    s.resolve = (v) => {
      if (!s.pending) return;
      s.pending = false;
      d.resolve(v);
    };
    s.reject = (e) => {
      if (!s.pending) return;
      s.pending = false;
      handled(d.promise);
      d.reject(e);
    };
    return s;
  }
  const settled = (promise) => ({ promise, pending: false, resolve() {}, reject() {} });
  const settledRejection = (e) => settled(handled(rejected(e)));

  // ---------------------------------------------------------------- WritableStream
  class WritableStream {
    #w;

    constructor(underlyingSink = undefined, strategy = undefined) {
      if (underlyingSink === TOKEN) {
        this.#w = strategy;
        strategy.stream = this;
        return;
      }
      this.#w = newStreamRecord(this);
      const sink = S.checkDictionary(underlyingSink, "The underlying sink");
      strategy = S.checkDictionary(strategy, "The queuing strategy");
      const abort = S.callbackMember(sink, "abort", "underlyingSink");
      const close = S.callbackMember(sink, "close", "underlyingSink");
      const start = S.callbackMember(sink, "start", "underlyingSink");
      const type = sink === undefined ? undefined : sink.type;
      const write = S.callbackMember(sink, "write", "underlyingSink");
      if (type !== undefined) throw new RangeError("Invalid type is specified");
      const size = S.extractSizeAlgorithm(strategy);
      const hwm = S.extractHighWaterMark(strategy, 1);
      setUpController(
        this.#w, (c) => (start === undefined ? undefined : start.call(sink, c)),
        (chunk, c) => promiseCall(write, sink, chunk, c), () => promiseCall(close, sink),
        (reason) => promiseCall(abort, sink, reason), hwm, size);
    }

    static {
      S.writableRecord = (s) => {
        if (s === null || typeof s !== "object" || !(#w in s)) throw S.illegal();
        return s.#w;
      };
      S.isWritableStream = (s) => s !== null && typeof s === "object" && #w in s;
      S.newWritableStream = (record) => new WritableStream(TOKEN, record);
    }

    get locked() {
      return S.writableRecord(this).writer !== null;
    }

    abort(reason = undefined) {
      return S.promising(() => writableAbort(unlocked(this), reason));
    }

    close() {
      return S.promising(() => {
        const w = unlocked(this);
        if (closeQueuedOrInFlight(w)) throw new TypeError(CLOSING);
        return writableClose(w);
      });
    }

    getWriter() {
      return acquireWriter(S.writableRecord(this)).writer;
    }
  }
  S.publish(WritableStream, "WritableStream");

  // The record of a WritableStream no writer holds.
  function unlocked(stream) {
    const w = S.writableRecord(stream);
    if (w.writer !== null) throw new TypeError(LOCKED);
    return w;
  }

  function newStreamRecord(stream) {
    return {
      stream, state: "writable", storedError: undefined, writer: null, controller: null,
      writeRequests: new S.Queue(), inFlightWriteRequest: null, closeRequest: null, inFlightCloseRequest: null,
      pendingAbortRequest: null, backpressure: false,
    };
  }

  // CreateWritableStream over internal algorithms: start(c), write(chunk, c), close(), abort(reason).
  S.createWritableStream = (start, write, close, abort, hwm = 1, size = () => 1) => {
    const w = newStreamRecord(null);
    S.newWritableStream(w);
    setUpController(w, start, write, close, abort, hwm, size, true);
    return w;
  };

  // ---------------------------------------------------------------- stream operations
  function writableAbort(w, reason) {
    if (w.state === "closed" || w.state === "errored") return UNDEFINED;
    const c = w.controller;
    if (c.abortController !== null) c.abortController.abort(reason);
    const state = w.state;
    if (state === "closed" || state === "errored") return UNDEFINED;
    if (w.pendingAbortRequest !== null) return w.pendingAbortRequest.promise.promise;
    const wasAlreadyErroring = state === "erroring";
    if (wasAlreadyErroring) reason = undefined;
    const promise = deferred();
    w.pendingAbortRequest = { promise, reason, wasAlreadyErroring };
    if (!wasAlreadyErroring) startErroring(w, reason);
    return promise.promise;
  }
  S.writableAbort = writableAbort;

  function writableClose(w) {
    const state = w.state;
    if (state === "closed" || state === "errored") return rejected(new TypeError(CLOSING));
    const promise = deferred();
    w.closeRequest = promise;
    const writer = w.writer;
    if (writer !== null && w.backpressure && state === "writable") writer.ready.resolve(undefined);
    S.enqueueValueWithSize(w.controller, CLOSE_SENTINEL, 0);
    advanceQueueIfNeeded(w.controller);
    return promise.promise;
  }
  S.writableClose = writableClose;

  function dealWithRejection(w, error) {
    if (w.state === "writable") startErroring(w, error);
    else finishErroring(w);
  }

  function startErroring(w, reason) {
    const c = w.controller;
    w.state = "erroring";
    w.storedError = reason;
    if (w.writer !== null) ensureReadyRejected(w.writer, reason);
    if (!hasOperationMarkedInFlight(w) && c.started) finishErroring(w);
  }

  function finishErroring(w) {
    w.state = "errored";
    S.resetQueue(w.controller);
    const storedError = w.storedError;
    const requests = w.writeRequests;
    w.writeRequests = new S.Queue();
    requests.forEach((request) => request.reject(storedError));
    const abortRequest = w.pendingAbortRequest;
    if (abortRequest === null) {
      rejectCloseAndClosedIfNeeded(w);
      return;
    }
    w.pendingAbortRequest = null;
    if (abortRequest.wasAlreadyErroring) {
      abortRequest.promise.reject(storedError);
      rejectCloseAndClosedIfNeeded(w);
      return;
    }
    const c = w.controller;
    const abort = c.abortAlgorithm;
    clearAlgorithms(c);
    const result = abort === null ? UNDEFINED : abort(abortRequest.reason);
    result.then(
      () => {
        abortRequest.promise.resolve(undefined);
        rejectCloseAndClosedIfNeeded(w);
      },
      (reason) => {
        abortRequest.promise.reject(reason);
        rejectCloseAndClosedIfNeeded(w);
      },
    );
  }

  function finishInFlightWrite(w) {
    w.inFlightWriteRequest.resolve(undefined);
    w.inFlightWriteRequest = null;
  }

  function finishInFlightWriteWithError(w, error) {
    w.inFlightWriteRequest.reject(error);
    w.inFlightWriteRequest = null;
    dealWithRejection(w, error);
  }

  function finishInFlightClose(w) {
    w.inFlightCloseRequest.resolve(undefined);
    w.inFlightCloseRequest = null;
    if (w.state === "erroring") {
      w.storedError = undefined;
      if (w.pendingAbortRequest !== null) {
        w.pendingAbortRequest.promise.resolve(undefined);
        w.pendingAbortRequest = null;
      }
    }
    w.state = "closed";
    if (w.writer !== null) w.writer.closed.resolve(undefined);
  }

  function finishInFlightCloseWithError(w, error) {
    w.inFlightCloseRequest.reject(error);
    w.inFlightCloseRequest = null;
    if (w.pendingAbortRequest !== null) {
      w.pendingAbortRequest.promise.reject(error);
      w.pendingAbortRequest = null;
    }
    dealWithRejection(w, error);
  }

  const closeQueuedOrInFlight = (w) => w.closeRequest !== null || w.inFlightCloseRequest !== null;
  S.writableCloseQueuedOrInFlight = closeQueuedOrInFlight;
  const hasOperationMarkedInFlight = (w) => w.inFlightWriteRequest !== null || w.inFlightCloseRequest !== null;

  function rejectCloseAndClosedIfNeeded(w) {
    if (w.closeRequest !== null) {
      w.closeRequest.reject(w.storedError);
      w.closeRequest = null;
    }
    if (w.writer !== null) w.writer.closed.reject(w.storedError);
  }

  function updateBackpressure(w, backpressure) {
    const writer = w.writer;
    if (writer !== null && backpressure !== w.backpressure) {
      if (backpressure) writer.ready = settleable();
      else writer.ready.resolve(undefined);
    }
    w.backpressure = backpressure;
  }

  // ---------------------------------------------------------------- writer
  function acquireWriter(w) {
    if (w.writer !== null) throw new TypeError(LOCKED);
    const writer = { writer: null, stream: w, ready: null, closed: null };
    w.writer = writer;
    const state = w.state;
    if (state === "writable") {
      writer.ready = !closeQueuedOrInFlight(w) && w.backpressure ? settleable() : settled(UNDEFINED);
      writer.closed = settleable();
    } else if (state === "erroring") {
      writer.ready = settledRejection(w.storedError);
      writer.closed = settleable();
    } else if (state === "closed") {
      writer.ready = settled(UNDEFINED);
      writer.closed = settled(UNDEFINED);
    } else {
      writer.ready = settledRejection(w.storedError);
      writer.closed = settledRejection(w.storedError);
    }
    writer.writer = new WritableStreamDefaultWriter(TOKEN, writer);
    return writer;
  }
  S.acquireWriter = acquireWriter;

  function ensureReadyRejected(writer, error) {
    if (writer.ready.pending) writer.ready.reject(error);
    else writer.ready = settledRejection(error);
  }
  function ensureClosedRejected(writer, error) {
    if (writer.closed.pending) writer.closed.reject(error);
    else writer.closed = settledRejection(error);
  }

  function writerDesiredSize(writer) {
    const w = writer.stream;
    if (w.state === "errored" || w.state === "erroring") return null;
    if (w.state === "closed") return 0;
    return w.controller.hwm - w.controller.queueTotalSize;
  }
  S.writerDesiredSize = writerDesiredSize;

  function releaseWriter(writer) {
    const w = writer.stream;
    const error = new TypeError(RELEASED);
    ensureReadyRejected(writer, error);
    ensureClosedRejected(writer, error);
    w.writer = null;
    writer.stream = null;
  }
  S.releaseWriter = releaseWriter;

  function writerWrite(writer, chunk) {
    const w = writer.stream;
    const c = w.controller;
    let size;
    try {
      size = c.size === null ? 1 : c.size(chunk);
    } catch (e) {
      if (w.state === "writable") controllerError(c, e);
      size = 1;
    }
    if (w !== writer.stream) return rejected(new TypeError(RELEASED));
    const state = w.state;
    if (state === "errored") return rejected(w.storedError);
    if (closeQueuedOrInFlight(w) || state === "closed") return rejected(new TypeError(CLOSING));
    if (state === "erroring") return rejected(w.storedError);
    const promise = deferred();
    w.writeRequests.push(promise);
    controllerWrite(c, chunk, size);
    return promise.promise;
  }
  S.writerWrite = writerWrite;

  // WritableStreamDefaultWriterCloseWithErrorPropagation.
  S.writerCloseWithErrorPropagation = (writer) => {
    const w = writer.stream;
    if (closeQueuedOrInFlight(w) || w.state === "closed") return UNDEFINED;
    if (w.state === "errored") return rejected(w.storedError);
    return writableClose(w);
  };

  class WritableStreamDefaultWriter {
    #writer;

    constructor(stream, record = undefined) {
      if (stream === TOKEN) {
        this.#writer = record;
        return;
      }
      internal.argCount(arguments.length, 1, "Failed to construct 'WritableStreamDefaultWriter'");
      const writer = acquireWriter(S.writableRecord(stream));
      writer.writer = this;
      this.#writer = writer;
    }

    static #record(self) {
      if (self === null || typeof self !== "object" || !(#writer in self)) throw S.illegal();
      return self.#writer;
    }

    // The record of an attached writer, or a rejection to return.
    static #attached(self) {
      const writer = WritableStreamDefaultWriter.#record(self);
      if (writer.stream === null) throw new TypeError(RELEASED);
      return writer;
    }

    get closed() {
      try {
        return WritableStreamDefaultWriter.#record(this).closed.promise;
      } catch (e) {
        return rejected(e);
      }
    }

    get ready() {
      try {
        return WritableStreamDefaultWriter.#record(this).ready.promise;
      } catch (e) {
        return rejected(e);
      }
    }

    get desiredSize() {
      return writerDesiredSize(WritableStreamDefaultWriter.#attached(this));
    }

    abort(reason = undefined) {
      return S.promising(() => writableAbort(WritableStreamDefaultWriter.#attached(this).stream, reason));
    }

    close() {
      return S.promising(() => {
        const w = WritableStreamDefaultWriter.#attached(this).stream;
        if (closeQueuedOrInFlight(w)) throw new TypeError(CLOSING);
        return writableClose(w);
      });
    }

    releaseLock() {
      const writer = WritableStreamDefaultWriter.#record(this);
      if (writer.stream !== null) releaseWriter(writer);
    }

    write(chunk = undefined) {
      return S.promising(() => writerWrite(WritableStreamDefaultWriter.#attached(this), chunk));
    }
  }
  S.publish(WritableStreamDefaultWriter, "WritableStreamDefaultWriter");

  // ---------------------------------------------------------------- controller
  class WritableStreamDefaultController {
    #c;

    constructor(token = undefined, record = undefined) {
      if (token !== TOKEN) throw new TypeError("Illegal constructor");
      this.#c = record;
    }

    static #record(self) {
      if (self === null || typeof self !== "object" || !(#c in self)) throw S.illegal();
      return self.#c;
    }

    get signal() {
      const c = WritableStreamDefaultController.#record(this);
      if (c.abortController === null && typeof globalThis.AbortController === "function") {
        c.abortController = new globalThis.AbortController();
        // An abort that happened before anyone asked for the signal still shows on it.
        if (c.stream.pendingAbortRequest !== null) c.abortController.abort(c.stream.pendingAbortRequest.reason);
      }
      return c.abortController === null ? undefined : c.abortController.signal;
    }

    error(e = undefined) {
      const c = WritableStreamDefaultController.#record(this);
      if (c.stream.state !== "writable") return;
      controllerError(c, e);
    }
  }
  S.publish(WritableStreamDefaultController, "WritableStreamDefaultController");

  function setUpController(w, start, write, close, abort, hwm, size, internalAlgorithms = false) {
    const c = {
      controller: null, stream: w, queue: null, queueTotalSize: 0, started: false, hwm, size,
      writeAlgorithm: null, closeAlgorithm: close, abortAlgorithm: abort, abortController: null,
    };
    c.controller = new WritableStreamDefaultController(TOKEN, c);
    S.resetQueue(c);
    const argument = internalAlgorithms ? c : c.controller;
    c.writeAlgorithm = (chunk) => write(chunk, argument);
    w.controller = c;
    updateBackpressure(w, getBackpressure(c));
    const startResult = start === undefined ? undefined : start(argument);
    resolved(startResult).then(
      () => {
        c.started = true;
        advanceQueueIfNeeded(c);
      },
      (e) => {
        c.started = true;
        dealWithRejection(w, e);
      },
    );
  }

  function clearAlgorithms(c) {
    c.writeAlgorithm = null;
    c.closeAlgorithm = null;
    c.abortAlgorithm = null;
    c.size = null;
  }

  const getBackpressure = (c) => c.hwm - c.queueTotalSize <= 0;

  function controllerError(c, e) {
    clearAlgorithms(c);
    startErroring(c.stream, e);
  }
  S.writableControllerError = controllerError;
  // WritableStreamDefaultControllerErrorIfNeeded.
  S.writableErrorIfNeeded = (c, e) => {
    if (c.stream.state === "writable") controllerError(c, e);
  };

  function controllerWrite(c, chunk, size) {
    try {
      S.enqueueValueWithSize(c, chunk, size);
    } catch (e) {
      if (c.stream.state === "writable") controllerError(c, e);
      return;
    }
    const w = c.stream;
    if (!closeQueuedOrInFlight(w) && w.state === "writable") updateBackpressure(w, getBackpressure(c));
    advanceQueueIfNeeded(c);
  }

  function advanceQueueIfNeeded(c) {
    const w = c.stream;
    if (!c.started || w.inFlightWriteRequest !== null) return;
    if (w.state === "erroring") {
      finishErroring(w);
      return;
    }
    if (c.queue.length === 0) return;
    const value = S.peekQueueValue(c);
    if (value === CLOSE_SENTINEL) processClose(c);
    else processWrite(c, value);
  }

  function processClose(c) {
    const w = c.stream;
    w.inFlightCloseRequest = w.closeRequest;
    w.closeRequest = null;
    S.dequeueValue(c);
    const close = c.closeAlgorithm;
    clearAlgorithms(c);
    (close === null ? UNDEFINED : close()).then(
      () => finishInFlightClose(w),
      (reason) => finishInFlightCloseWithError(w, reason),
    );
  }

  function processWrite(c, chunk) {
    const w = c.stream;
    w.inFlightWriteRequest = w.writeRequests.shift();
    c.writeAlgorithm(chunk).then(
      () => {
        finishInFlightWrite(w);
        S.dequeueValue(c);
        if (!closeQueuedOrInFlight(w) && w.state === "writable") updateBackpressure(w, getBackpressure(c));
        advanceQueueIfNeeded(c);
      },
      (reason) => {
        if (w.state === "writable") clearAlgorithms(c);
        finishInFlightWriteWithError(w, reason);
      },
    );
  }
})();
