// Kindling prelude: ReadableStream's tee(), async iteration (values(), for await) and
// ReadableStream.from (WHATWG Streams §4.2.4, §4.2.5, §4.9.1).
//
// tee() follows ReadableStreamDefaultTee for both kinds of stream; for a byte stream the branches
// are byte streams too (so BYOB readers work on them) and each gets its own copy of every chunk,
// which is what ReadableByteStreamTee guarantees, without its BYOB-forwarding optimisation.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { resolved, rejected, deferred, UNDEFINED } = S;

  // ---------------------------------------------------------------- tee
  S.tee = (r) => {
    const bytes = r.controller.kind === "bytes";
    const reader = S.acquireReader(r, false);
    let reading = false;
    let readAgain = false;
    let canceled1 = false;
    let canceled2 = false;
    let reason1;
    let reason2;
    let branch1;
    let branch2;
    const cancelled = deferred();

    const enqueue = (branch, chunk) => {
      if (bytes) S.byteEnqueue(branch.controller, chunk);
      else S.defaultEnqueue(branch.controller, chunk);
    };
    const close = (branch) => {
      const c = branch.controller;
      if (bytes) {
        S.byteClose(c);
        // A BYOB read waiting on a closed branch is answered with an empty view.
        if (c.pendingPullIntos.length > 0) S.byteRespond(c, 0);
      } else {
        S.defaultClose(c);
      }
    };
    const error = (branch, e) => (bytes ? S.byteError(branch.controller, e) : S.defaultError(branch.controller, e));

    const readRequest = {
      chunk(chunk) {
        // Later than the read so that a branch cancelled meanwhile is seen (the spec's microtask).
        S.microtask(() => {
          readAgain = false;
          let chunk1 = chunk;
          let chunk2 = chunk;
          if (bytes && !canceled1 && !canceled2) {
            chunk2 = chunk.slice();
          }
          if (!canceled1) enqueue(branch1, chunk1);
          if (!canceled2) enqueue(branch2, chunk2);
          reading = false;
          if (readAgain) pull();
        });
      },
      close() {
        reading = false;
        if (!canceled1) close(branch1);
        if (!canceled2) close(branch2);
        if (!canceled1 || !canceled2) cancelled.resolve(undefined);
      },
      error() {
        reading = false;
      },
    };
    function pull() {
      if (reading) {
        readAgain = true;
        return UNDEFINED;
      }
      reading = true;
      S.readerRead(reader, readRequest);
      return UNDEFINED;
    }
    const cancel1 = (reason) => {
      canceled1 = true;
      reason1 = reason;
      if (canceled2) cancelled.resolve(S.readableCancel(r, [reason1, reason2]));
      return cancelled.promise;
    };
    const cancel2 = (reason) => {
      canceled2 = true;
      reason2 = reason;
      if (canceled1) cancelled.resolve(S.readableCancel(r, [reason1, reason2]));
      return cancelled.promise;
    };
    if (bytes) {
      branch1 = S.createReadableByteStream(undefined, pull, cancel1);
      branch2 = S.createReadableByteStream(undefined, pull, cancel2);
    } else {
      branch1 = S.createReadableStream(undefined, pull, cancel1);
      branch2 = S.createReadableStream(undefined, pull, cancel2);
    }
    reader.closed.promise.then(undefined, (e) => {
      error(branch1, e);
      error(branch2, e);
      if (!canceled1 || !canceled2) cancelled.resolve(undefined);
    });
    return [branch1.stream, branch2.stream];
  };

  // ---------------------------------------------------------------- async iteration
  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

  // Web IDL async iterator: next() calls queue behind each other; return() waits for them.
  const ReadableStreamAsyncIteratorPrototype = Object.create(AsyncIteratorPrototype, {
    next: {
      value: function next() {
        const state = iteratorState(this);
        if (state === undefined) return rejected(S.illegal());
        const step = () => {
          if (state.finished) return resolved({ value: undefined, done: true });
          return iteratorNext(state);
        };
        state.ongoing = state.ongoing === null ? step() : state.ongoing.then(step, step);
        return state.ongoing;
      },
      writable: true, configurable: true, enumerable: true,
    },
    return: {
      value: function (value) {
        const state = iteratorState(this);
        if (state === undefined) return rejected(S.illegal());
        const step = () => {
          if (state.finished) return resolved({ value, done: true });
          state.finished = true;
          return iteratorReturn(state, value);
        };
        const result = state.ongoing === null ? step() : state.ongoing.then(step, step);
        state.ongoing = result;
        return result.then(() => ({ value, done: true }));
      },
      writable: true, configurable: true, enumerable: true,
    },
    [Symbol.toStringTag]: { value: "ReadableStream AsyncIterator", configurable: true },
  });

  const iteratorStates = new WeakMap();
  const iteratorState = (it) => (it !== null && typeof it === "object" ? iteratorStates.get(it) : undefined);

  S.asyncIterator = (r, options) => {
    options = S.checkDictionary(options, "ReadableStream iterator options");
    const preventCancel = options !== undefined && Boolean(options.preventCancel);
    const reader = S.acquireReader(r, false);
    const it = Object.create(ReadableStreamAsyncIteratorPrototype);
    iteratorStates.set(it, { reader, preventCancel, finished: false, ongoing: null });
    return it;
  };

  function iteratorNext(state) {
    const reader = state.reader;
    if (reader.stream === null) return rejected(new TypeError("Cannot get the next iteration result once the reader has been released."));
    const d = deferred();
    S.readerRead(reader, {
      chunk(value) {
        d.resolve({ value, done: false });
      },
      close() {
        S.releaseReader(reader);
        state.finished = true;
        d.resolve({ value: undefined, done: true });
      },
      error(e) {
        S.releaseReader(reader);
        state.finished = true;
        d.reject(e);
      },
    });
    return d.promise;
  }

  function iteratorReturn(state, value) {
    const reader = state.reader;
    if (reader.stream === null) return UNDEFINED;
    if (!state.preventCancel) {
      const result = S.readerCancel(reader, value);
      S.releaseReader(reader);
      return result;
    }
    S.releaseReader(reader);
    return UNDEFINED;
  }

  // ---------------------------------------------------------------- ReadableStream.from
  S.readableFrom = (iterable) => {
    if (iterable === null || iterable === undefined) {
      throw new TypeError("ReadableStream.from() requires an iterable or async iterable object.");
    }
    let iterator;
    let next;
    const asyncMethod = iterable[Symbol.asyncIterator];
    if (asyncMethod !== undefined && asyncMethod !== null) {
      if (typeof asyncMethod !== "function") throw new TypeError("The object's Symbol.asyncIterator member is not a function.");
      iterator = asyncMethod.call(iterable);
    } else {
      const syncMethod = iterable[Symbol.iterator];
      if (typeof syncMethod !== "function") {
        throw new TypeError("ReadableStream.from() requires an iterable or async iterable object.");
      }
      const sync = syncMethod.call(iterable);
      if (sync === null || typeof sync !== "object") throw new TypeError("The iterator is not an object.");
      // CreateAsyncFromSyncIterator: values that are promises are awaited.
      const syncNext = sync.next;
      iterator = {
        next() {
          const result = syncNext.call(sync);
          if (result === null || typeof result !== "object") throw new TypeError("The iterator result is not an object.");
          const done = Boolean(result.done);
          return resolved(result.value).then((value) => ({ value, done }));
        },
        return(reason) {
          const method = sync.return;
          if (method === undefined || method === null) return resolved({ value: reason, done: true });
          return resolved(method.call(sync, reason));
        },
      };
    }
    if (iterator === null || typeof iterator !== "object") throw new TypeError("The iterator is not an object.");
    next = iterator.next;
    let r;
    const pull = (c) => {
      let result;
      try {
        result = resolved(next.call(iterator));
      } catch (e) {
        return rejected(e);
      }
      return result.then((step) => {
        if (step === null || typeof step !== "object") throw new TypeError("The iterator result is not an object.");
        if (step.done) S.defaultClose(c);
        else S.defaultEnqueue(c, step.value);
      });
    };
    const cancel = (reason) => {
      let method;
      let result;
      try {
        method = iterator.return;
        if (method === undefined || method === null) return UNDEFINED;
        result = method.call(iterator, reason);
      } catch (e) {
        return rejected(e);
      }
      return resolved(result).then((value) => {
        if (value === null || typeof value !== "object") throw new TypeError("The iterator's return() result is not an object.");
      });
    };
    r = S.createReadableStream(undefined, pull, cancel, 0);
    return r.stream;
  };
})();
