// Kindling prelude: ReadableStream's pipeTo() and pipeThrough() (WHATWG Streams §4.9.11
// ReadableStreamPipeTo): chunks move from a reader to a writer as the writer's backpressure allows;
// errors and closing propagate both ways unless preventAbort / preventCancel / preventClose say
// otherwise, and an AbortSignal stops the pipe with its reason.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { resolved, rejected, handled, deferred, UNDEFINED } = S;

  // StreamPipeOptions, members in Web IDL order.
  function pipeOptions(options) {
    options = S.checkDictionary(options, "The pipe options");
    if (options === undefined) return { preventAbort: false, preventCancel: false, preventClose: false, signal: undefined };
    const preventAbort = Boolean(options.preventAbort);
    const preventCancel = Boolean(options.preventCancel);
    const preventClose = Boolean(options.preventClose);
    const signal = options.signal;
    if (signal !== undefined && (signal === null || typeof signal !== "object" || !("aborted" in signal) ||
        typeof signal.addEventListener !== "function")) {
      throw new TypeError("Failed to execute 'pipeTo' on 'ReadableStream': member signal is not of type 'AbortSignal'.");
    }
    return { preventAbort, preventCancel, preventClose, signal };
  }

  S.pipeTo = (source, destination, options) => {
    let o;
    try {
      if (!S.isWritableStream(destination)) {
        throw new TypeError("Failed to execute 'pipeTo' on 'ReadableStream': parameter 1 is not of type 'WritableStream'.");
      }
      o = pipeOptions(options);
      if (S.isReadableLocked(source)) throw new TypeError(S.LOCKED_MESSAGE);
      if (S.writableRecord(destination).writer !== null) {
        throw new TypeError("This WritableStream is currently locked to a writer.");
      }
    } catch (e) {
      return rejected(e);
    }
    return pipe(source, S.writableRecord(destination), o.preventClose, o.preventAbort, o.preventCancel, o.signal);
  };

  S.pipeThrough = (source, transform, options) => {
    if (transform === null || typeof transform !== "object") {
      throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': parameter 1 is not an object.");
    }
    const readable = transform.readable;
    if (!S.isReadableStream(readable)) {
      throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': readable is not of type 'ReadableStream'.");
    }
    const writable = transform.writable;
    if (!S.isWritableStream(writable)) {
      throw new TypeError("Failed to execute 'pipeThrough' on 'ReadableStream': writable is not of type 'WritableStream'.");
    }
    const o = pipeOptions(options);
    if (S.isReadableLocked(source)) throw new TypeError(S.LOCKED_MESSAGE);
    const w = S.writableRecord(writable);
    if (w.writer !== null) throw new TypeError("This WritableStream is currently locked to a writer.");
    handled(pipe(source, w, o.preventClose, o.preventAbort, o.preventCancel, o.signal));
    return readable;
  };

  function pipe(source, dest, preventClose, preventAbort, preventCancel, signal) {
    const reader = S.acquireReader(source, false);
    const writer = S.acquireWriter(dest);
    source.disturbed = true;
    let shuttingDown = false;
    let currentWrite = UNDEFINED;
    const result = deferred();
    let abortAlgorithm;

    if (signal !== undefined) {
      abortAlgorithm = () => {
        const error = signal.reason;
        const actions = [];
        if (!preventAbort) actions.push(() => (dest.state === "writable" ? S.writableAbort(dest, error) : UNDEFINED));
        if (!preventCancel) actions.push(() => (source.state === "readable" ? S.readableCancel(source, error) : UNDEFINED));
        shutdownWithAction(() => Promise.all(actions.map((action) => action())), true, error);
      };
      if (signal.aborted) {
        abortAlgorithm();
        return result.promise;
      }
      signal.addEventListener("abort", abortAlgorithm);
    }

    // Reads a chunk once the writer has room and starts writing it; true when the source is done.
    function step() {
      if (shuttingDown) return resolved(true);
      return writer.ready.promise.then(() => {
        if (shuttingDown) return true;
        return new Promise((resolve, reject) => {
          S.readerRead(reader, {
            chunk(chunk) {
              currentWrite = S.writerWrite(writer, chunk).then(undefined, () => {});
              resolve(false);
            },
            close() {
              resolve(true);
            },
            error: reject,
          });
        });
      });
    }
    function loop() {
      step().then((done) => {
        if (!done) loop();
      }, () => {});
    }

    const readerClosed = reader.closed.promise;
    const writerClosed = writer.closed.promise;
    // Errors must be propagated forward.
    whenErrored(source, readerClosed, (storedError) => {
      if (!preventAbort) shutdownWithAction(() => S.writableAbort(dest, storedError), true, storedError);
      else shutdown(true, storedError);
    });
    // Errors must be propagated backward.
    whenErrored(dest, writerClosed, (storedError) => {
      if (!preventCancel) shutdownWithAction(() => S.readableCancel(source, storedError), true, storedError);
      else shutdown(true, storedError);
    });
    // Closing must be propagated forward.
    whenClosed(source, readerClosed, () => {
      if (!preventClose) shutdownWithAction(() => S.writerCloseWithErrorPropagation(writer));
      else shutdown();
    });
    // Closing must be propagated backward.
    if (S.writableCloseQueuedOrInFlight(dest) || dest.state === "closed") {
      const destClosed = new TypeError("The destination WritableStream is closed.");
      if (!preventCancel) shutdownWithAction(() => S.readableCancel(source, destClosed), true, destClosed);
      else shutdown(true, destClosed);
    }
    loop();
    return result.promise;

    function whenErrored(stream, promise, action) {
      if (stream.state === "errored") action(stream.storedError);
      else promise.then(undefined, () => {
        if (stream.state === "errored") action(stream.storedError);
      });
    }
    function whenClosed(stream, promise, action) {
      if (stream.state === "closed") action();
      else promise.then(action, () => {});
    }
    function waitForWrites() {
      const old = currentWrite;
      return currentWrite.then(() => (old !== currentWrite ? waitForWrites() : undefined));
    }
    function afterWrites(then) {
      if (dest.state === "writable" && !S.writableCloseQueuedOrInFlight(dest)) waitForWrites().then(then);
      else then();
    }
    function shutdownWithAction(action, isError = false, error = undefined) {
      if (shuttingDown) return;
      shuttingDown = true;
      afterWrites(() => {
        let p;
        try {
          p = resolved(action());
        } catch (e) {
          p = rejected(e);
        }
        p.then(() => finalize(isError, error), (newError) => finalize(true, newError));
      });
    }
    function shutdown(isError = false, error = undefined) {
      if (shuttingDown) return;
      shuttingDown = true;
      afterWrites(() => finalize(isError, error));
    }
    function finalize(isError, error) {
      S.releaseWriter(writer);
      if (reader.stream !== null) S.releaseReader(reader);
      if (signal !== undefined) signal.removeEventListener("abort", abortAlgorithm);
      if (isError) result.reject(error);
      else result.resolve(undefined);
    }
  }
})();
