// Kindling prelude: TransformStream and TransformStreamDefaultController (WHATWG Streams §6), plus
// the hook the byte-oriented transforms build on (S.newTransform: the Workers IdentityTransformStream
// and FixedLengthStream, TextEncoderStream, TextDecoderStream, CompressionStream, DecompressionStream
// are TransformStream subclasses, as in workerd).
//
// Record: { ts, readable (stream record), writable (stream record), backpressure,
//           backpressureChange: deferred, controller: { controller, stream, transformAlgorithm,
//           flushAlgorithm, cancelAlgorithm, finish: deferred | null }, bytes }
// `bytes`: the readable side is a byte stream (so BYOB readers work) and chunks must be bytes.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { resolved, rejected, deferred, promiseCall, UNDEFINED } = S;
  const TOKEN = Object.freeze({});

  class TransformStream {
    #t;

    constructor(transformer = undefined, writableStrategy = undefined, readableStrategy = undefined) {
      if (transformer === TOKEN) {
        // Internal construction (S.newTransform): writableStrategy carries the set-up.
        this.#t = setUp(this, writableStrategy);
        return;
      }
      const dict = S.checkDictionary(transformer, "The transformer");
      writableStrategy = S.checkDictionary(writableStrategy, "The writable strategy");
      readableStrategy = S.checkDictionary(readableStrategy, "The readable strategy");
      const cancel = S.callbackMember(dict, "cancel", "transformer");
      const flush = S.callbackMember(dict, "flush", "transformer");
      const readableType = dict === undefined ? undefined : dict.readableType;
      const start = S.callbackMember(dict, "start", "transformer");
      const transform = S.callbackMember(dict, "transform", "transformer");
      const writableType = dict === undefined ? undefined : dict.writableType;
      if (readableType !== undefined) throw new RangeError("Invalid readableType specified");
      if (writableType !== undefined) throw new RangeError("Invalid writableType specified");
      const readableHWM = S.extractHighWaterMark(readableStrategy, 0);
      const readableSize = S.extractSizeAlgorithm(readableStrategy);
      const writableHWM = S.extractHighWaterMark(writableStrategy, 1);
      const writableSize = S.extractSizeAlgorithm(writableStrategy);
      this.#t = setUp(this, {
        start: start === undefined ? undefined : (c) => start.call(transformer, c.controller),
        transform: transform === undefined ? undefined : (chunk, c) => promiseCall(transform, transformer, chunk, c.controller),
        flush: (c) => promiseCall(flush, transformer, c.controller),
        cancel: (reason) => promiseCall(cancel, transformer, reason),
        writableHWM, writableSize, readableHWM, readableSize, bytes: false,
      });
    }

    static {
      S.transformRecord = (ts) => {
        if (ts === null || typeof ts !== "object" || !(#t in ts)) throw S.illegal();
        return ts.#t;
      };
    }

    get readable() {
      return S.transformRecord(this).readable.stream;
    }

    get writable() {
      return S.transformRecord(this).writable.stream;
    }
  }
  S.publish(TransformStream, "TransformStream");

  // Arguments for `super(...)` in a subclass whose algorithms are internal. `options`: { start(c),
  // transform(chunk, c) → promise, flush(c) → promise, cancel(reason) → promise, writableHWM,
  // writableSize, readableHWM, readableSize, bytes }; c is the controller record.
  S.transformArguments = (options) => [TOKEN, options];
  S.isTransformArguments = (value) => Array.isArray(value) && value[0] === TOKEN;

  function setUp(ts, options) {
    const start = deferred();
    const t = {
      ts, readable: null, writable: null, backpressure: false, backpressureChange: null, controller: null,
      bytes: options.bytes,
    };
    t.writable = S.createWritableStream(
      () => start.promise, (chunk) => sinkWrite(t, chunk), () => sinkClose(t), (reason) => sinkAbort(t, reason),
      options.writableHWM ?? 1, options.writableSize ?? (() => 1));
    if (t.bytes) {
      t.readable = S.createReadableByteStream(() => start.promise, () => sourcePull(t), (reason) => sourceCancel(t, reason));
    } else {
      t.readable = S.createReadableStream(
        () => start.promise, () => sourcePull(t), (reason) => sourceCancel(t, reason), options.readableHWM ?? 0,
        options.readableSize ?? (() => 1));
    }
    setBackpressure(t, true);
    const c = {
      controller: null, stream: t, finish: null,
      transformAlgorithm: null, flushAlgorithm: options.flush ?? (() => UNDEFINED), cancelAlgorithm: options.cancel ?? (() => UNDEFINED),
    };
    c.controller = new TransformStreamDefaultController(TOKEN, c);
    const transform = options.transform;
    c.transformAlgorithm =
      transform === undefined
        ? (chunk) => {
            try {
              enqueue(c, chunk);
              return UNDEFINED;
            } catch (e) {
              return rejected(e);
            }
          }
        : (chunk) => {
            try {
              return resolved(transform(chunk, c));
            } catch (e) {
              return rejected(e);
            }
          };
    t.controller = c;
    if (options.start === undefined) start.resolve(undefined);
    else start.resolve(options.start(c)); // a throw propagates out of the constructor
    return t;
  }

  function transformError(t, e) {
    readableControllerError(t, e);
    errorWritableAndUnblockWrite(t, e);
  }
  const readableControllerError = (t, e) =>
    t.bytes ? S.byteError(t.readable.controller, e) : S.defaultError(t.readable.controller, e);
  const readableControllerClose = (t) => {
    const rc = t.readable.controller;
    if (!t.bytes) return S.defaultClose(rc);
    if (rc.closeRequested || t.readable.state !== "readable") return;
    S.byteClose(rc);
    if (rc.pendingPullIntos.length > 0) S.byteRespond(rc, 0);
  };

  function errorWritableAndUnblockWrite(t, e) {
    clearAlgorithms(t.controller);
    S.writableErrorIfNeeded(t.writable.controller, e);
    unblockWrite(t);
  }

  function unblockWrite(t) {
    if (t.backpressure) setBackpressure(t, false);
  }

  function setBackpressure(t, backpressure) {
    if (t.backpressureChange !== null) t.backpressureChange.resolve(undefined);
    t.backpressureChange = deferred();
    t.backpressure = backpressure;
  }

  function clearAlgorithms(c) {
    c.transformAlgorithm = null;
    c.flushAlgorithm = null;
    c.cancelAlgorithm = null;
  }

  // TransformStreamDefaultControllerEnqueue. `owned`: a byte chunk nobody else holds, enqueued without a copy.
  function enqueue(c, chunk, owned = false) {
    const t = c.stream;
    const r = t.readable;
    const rc = r.controller;
    if (r.state !== "readable" || rc.closeRequested) {
      throw new TypeError("The readable side of this TransformStream is not in a state that permits enqueue.");
    }
    try {
      if (t.bytes) {
        const bytes = S.bytesOf(chunk);
        if (bytes === undefined) {
          throw new TypeError(NOT_BYTES);
        }
        // A copy: the writer keeps its buffer, and enqueueing transfers the one it is given.
        if (bytes.byteLength > 0) S.byteEnqueue(rc, owned ? bytes : bytes.slice());
      } else {
        S.defaultEnqueue(rc, chunk);
      }
    } catch (e) {
      errorWritableAndUnblockWrite(t, e);
      throw r.state === "errored" ? r.storedError : e;
    }
    const backpressure = t.bytes ? S.numRequests(r) === 0 : S.defaultHasBackpressure(rc);
    if (backpressure !== t.backpressure) setBackpressure(t, true);
  }
  S.transformEnqueue = enqueue;
  S.transformError = (c, e) => transformError(c.stream, e);

  function terminate(c) {
    const t = c.stream;
    readableControllerClose(t);
    errorWritableAndUnblockWrite(t, new TypeError("The TransformStream has been terminated."));
  }

  function performTransform(c, chunk) {
    const transform = c.transformAlgorithm;
    if (transform === null) return UNDEFINED;
    return transform(chunk).then(undefined, (r) => {
      transformError(c.stream, r);
      throw r;
    });
  }

  const NOT_BYTES = "This WritableStream only supports writing byte types.";

  function sinkWrite(t, chunk) {
    const c = t.controller;
    // A byte transform refuses anything else at once, as workerd does, rather than after backpressure.
    if (t.bytes && S.bytesOf(chunk) === undefined) {
      const e = new TypeError(NOT_BYTES);
      transformError(t, e);
      return rejected(e);
    }
    if (t.backpressure) {
      return t.backpressureChange.promise.then(() => {
        const w = t.writable;
        if (w.state === "erroring") throw w.storedError;
        return performTransform(c, chunk);
      });
    }
    return performTransform(c, chunk);
  }

  // The shape the sink's abort and close and the source's cancel share: run one of the transformer's
  // algorithms once (later calls get the same promise), then `settled()` (which may throw) or
  // `failed(e)`, and settle with the outcome.
  function finishOnce(c, algorithm, argument, settled, failed) {
    if (c.finish !== null) return c.finish.promise;
    c.finish = deferred();
    const run = c[algorithm];
    clearAlgorithms(c);
    let result;
    try {
      result = run === null ? UNDEFINED : resolved(run(argument));
    } catch (e) {
      result = rejected(e);
    }
    result.then(
      () => {
        try {
          settled();
          c.finish.resolve(undefined);
        } catch (e) {
          c.finish.reject(e);
        }
      },
      (e) => {
        failed(e);
        c.finish.reject(e);
      },
    );
    return c.finish.promise;
  }

  const sinkAbort = (t, reason) =>
    finishOnce(t.controller, "cancelAlgorithm", reason, () => {
      if (t.readable.state === "errored") throw t.readable.storedError;
      readableControllerError(t, reason);
    }, (e) => readableControllerError(t, e));

  const sinkClose = (t) =>
    finishOnce(t.controller, "flushAlgorithm", t.controller, () => {
      if (t.readable.state === "errored") throw t.readable.storedError;
      readableControllerClose(t);
    }, (e) => readableControllerError(t, e));

  const sourceCancel = (t, reason) =>
    finishOnce(t.controller, "cancelAlgorithm", reason, () => {
      const w = t.writable;
      if (w.state === "errored") throw w.storedError;
      S.writableErrorIfNeeded(w.controller, reason);
      unblockWrite(t);
    }, (e) => {
      S.writableErrorIfNeeded(t.writable.controller, e);
      unblockWrite(t);
    });

  function sourcePull(t) {
    setBackpressure(t, false);
    return t.backpressureChange.promise;
  }

  class TransformStreamDefaultController {
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
      return S.controllerDesiredSize(TransformStreamDefaultController.#record(this).stream.readable.controller);
    }

    enqueue(chunk = undefined) {
      enqueue(TransformStreamDefaultController.#record(this), chunk);
    }

    error(reason = undefined) {
      transformError(TransformStreamDefaultController.#record(this).stream, reason);
    }

    terminate() {
      terminate(TransformStreamDefaultController.#record(this));
    }
  }
  S.publish(TransformStreamDefaultController, "TransformStreamDefaultController");
})();
