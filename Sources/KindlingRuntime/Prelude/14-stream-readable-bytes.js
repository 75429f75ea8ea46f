// Kindling prelude: readable byte streams (WHATWG Streams §4.7–4.10): ReadableByteStreamController,
// ReadableStreamBYOBReader and ReadableStreamBYOBRequest, with the byte-controller abstract
// operations. Bodies are byte streams, as in workerd, so BYOB readers work on them.
//
// Byte controller record fields (beyond those in 14-stream-readable.js): queue holds
// { buffer, byteOffset, byteLength } entries; pendingPullIntos is an array of pull-into
// descriptors { buffer, bufferByteLength, byteOffset, byteLength, bytesFilled, minimumFill,
// elementSize, viewConstructor, readerType: "default"|"byob"|"none" }; byobRequest is the public
// request or null; autoAllocateChunkSize.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { rejected, UNDEFINED } = S;
  const TOKEN = Object.freeze({});
  const RELEASED = "This ReadableStream reader has been released.";

  // ---------------------------------------------------------------- ReadableByteStreamController
  class ReadableByteStreamController {
    #c;

    constructor(token = undefined, record = undefined) {
      if (token !== TOKEN) throw new TypeError("Illegal constructor");
      this.#c = record;
    }

    static #record(self) {
      if (self === null || typeof self !== "object" || !(#c in self)) throw S.illegal();
      return self.#c;
    }

    get byobRequest() {
      return getBYOBRequest(ReadableByteStreamController.#record(this));
    }

    get desiredSize() {
      return S.controllerDesiredSize(ReadableByteStreamController.#record(this));
    }

    close() {
      const c = ReadableByteStreamController.#record(this);
      if (c.closeRequested) throw new TypeError("This ReadableStream is already closing.");
      if (c.stream.state !== "readable") throw new TypeError("This ReadableStream is closed.");
      byteClose(c);
    }

    enqueue(chunk) {
      const c = ReadableByteStreamController.#record(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'enqueue' on 'ReadableByteStreamController'");
      if (!ArrayBuffer.isView(chunk)) {
        throw new TypeError("Failed to execute 'enqueue' on 'ReadableByteStreamController': parameter 1 is not of type 'ArrayBufferView'.");
      }
      if (chunk.byteLength === 0) throw new TypeError("Cannot enqueue a zero-length ArrayBufferView.");
      if (chunk.buffer.byteLength === 0) throw new TypeError("Cannot enqueue a view onto a zero-length or detached ArrayBuffer.");
      if (c.closeRequested) throw new TypeError("This ReadableStream is already closing.");
      if (c.stream.state !== "readable") throw new TypeError("This ReadableStream is closed.");
      byteEnqueue(c, chunk);
    }

    error(e = undefined) {
      byteError(ReadableByteStreamController.#record(this), e);
    }
  }
  S.publish(ReadableByteStreamController, "ReadableByteStreamController");

  // ---------------------------------------------------------------- ReadableStreamBYOBRequest
  class ReadableStreamBYOBRequest {
    #controller; // the controller record, null once invalidated
    #view;

    constructor(token = undefined, controller = undefined, view = undefined) {
      if (token !== TOKEN) throw new TypeError("Illegal constructor");
      this.#controller = controller;
      this.#view = view;
    }

    static {
      S.invalidateBYOBRequest = (c) => {
        const request = c.byobRequest;
        if (request === null) return;
        request.#controller = null;
        request.#view = null;
        c.byobRequest = null;
      };
    }

    static #check(self) {
      if (self === null || typeof self !== "object" || !(#view in self)) throw S.illegal();
    }

    get view() {
      ReadableStreamBYOBRequest.#check(this);
      return this.#view;
    }

    respond(bytesWritten) {
      ReadableStreamBYOBRequest.#check(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'respond' on 'ReadableStreamBYOBRequest'");
      const n = Number(bytesWritten);
      if (!Number.isFinite(n) || n < 0) throw new TypeError("bytesWritten must be a non-negative finite number.");
      if (this.#controller === null) throw new TypeError("This BYOB request has been invalidated.");
      if (S.isDetached(this.#view.buffer)) throw new TypeError("The BYOB request's buffer has been detached.");
      respond(this.#controller, Math.trunc(n));
    }

    respondWithNewView(view) {
      ReadableStreamBYOBRequest.#check(this);
      if (!ArrayBuffer.isView(view)) {
        throw new TypeError("Failed to execute 'respondWithNewView' on 'ReadableStreamBYOBRequest': parameter 1 is not of type 'ArrayBufferView'.");
      }
      if (this.#controller === null) throw new TypeError("This BYOB request has been invalidated.");
      if (S.isDetached(view.buffer)) throw new TypeError("The view's buffer has been detached.");
      respondWithNewView(this.#controller, view);
    }
  }
  S.publish(ReadableStreamBYOBRequest, "ReadableStreamBYOBRequest");

  // ---------------------------------------------------------------- ReadableStreamBYOBReader
  class ReadIntoRequest {
    constructor() {
      const d = S.deferred();
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

  class ReadableStreamBYOBReader {
    #reader;

    constructor(stream, record = undefined) {
      if (stream === TOKEN) {
        this.#reader = record;
        return;
      }
      internal.argCount(arguments.length, 1, "Failed to construct 'ReadableStreamBYOBReader'");
      const reader = S.acquireReader(S.readableRecord(stream), true);
      reader.reader = this;
      this.#reader = reader;
    }

    static {
      S.newBYOBReader = (record) => new ReadableStreamBYOBReader(TOKEN, record);
    }

    static #record(self) {
      if (self === null || typeof self !== "object" || !(#reader in self)) throw S.illegal();
      return self.#reader;
    }

    get closed() {
      try {
        return ReadableStreamBYOBReader.#record(this).closed.promise;
      } catch (e) {
        return rejected(e);
      }
    }

    read(view, options = undefined) {
      let reader;
      let min = 1;
      try {
        reader = ReadableStreamBYOBReader.#record(this);
        if (!ArrayBuffer.isView(view)) {
          throw new TypeError("Failed to execute 'read' on 'ReadableStreamBYOBReader': parameter 1 is not of type 'ArrayBufferView'.");
        }
        if (view.byteLength === 0) throw new TypeError("You must call read() on a \"byob\" reader with a positive-sized TypedArray object.");
        if (view.buffer.byteLength === 0) throw new TypeError("Cannot read into a zero-length or detached ArrayBuffer.");
        if (S.isDetached(view.buffer)) throw new TypeError("Cannot read into a detached ArrayBuffer.");
        options = S.checkDictionary(options, "read options");
        if (options !== undefined && options.min !== undefined) {
          min = Math.trunc(Number(options.min));
          if (!Number.isFinite(min) || min < 0) throw new TypeError("min must be a positive integer.");
        }
        if (min === 0) throw new TypeError("min must be greater than 0.");
        const elements = view instanceof DataView ? view.byteLength : view.length;
        if (min > elements) {
          throw new RangeError(`Minimum bytes to read (${min}) exceeds size of buffer (${elements}).`);
        }
        if (reader.stream === null) throw new TypeError(RELEASED);
      } catch (e) {
        return rejected(e);
      }
      const request = new ReadIntoRequest();
      const r = reader.stream;
      r.disturbed = true;
      if (r.state === "errored") request.error(r.storedError);
      else pullInto(r.controller, view, min, request);
      return request.promise;
    }

    cancel(reason = undefined) {
      return S.promising(() => S.readerCancel(ReadableStreamBYOBReader.#record(this), reason));
    }

    releaseLock() {
      const reader = ReadableStreamBYOBReader.#record(this);
      if (reader.stream !== null) S.releaseReader(reader);
    }
  }
  S.publish(ReadableStreamBYOBReader, "ReadableStreamBYOBReader");

  // ---------------------------------------------------------------- abstract operations
  // SetUpReadableByteStreamController; see setUpDefaultController for `internalAlgorithms`.
  S.setUpByteController = (r, start, pull, cancel, hwm, autoAllocateChunkSize, internalAlgorithms = false) => {
    const c = {
      kind: "bytes", controller: null, stream: r, queue: null, queueTotalSize: 0, started: false,
      closeRequested: false, pulling: false, pullAgain: false, hwm, pullAlgorithm: null, cancelAlgorithm: cancel,
      autoAllocateChunkSize, pendingPullIntos: [], byobRequest: null,
    };
    c.controller = new ReadableByteStreamController(TOKEN, c);
    S.startController(r, c, start, pull, internalAlgorithms);
  };

  const callPullIfNeeded = (c) => S.callPullIfNeeded(c);

  S.byteShouldCallPull = (c) => {
    const r = c.stream;
    if (r.state !== "readable" || c.closeRequested || !c.started) return false;
    if (S.numRequests(r) > 0) return true;
    return S.controllerDesiredSize(c) > 0;
  };

  function clearAlgorithms(c) {
    c.pullAlgorithm = null;
    c.cancelAlgorithm = null;
  }

  function clearPendingPullIntos(c) {
    S.invalidateBYOBRequest(c);
    c.pendingPullIntos = [];
  }

  function byteClose(c) {
    const r = c.stream;
    if (c.closeRequested || r.state !== "readable") return;
    if (c.queueTotalSize > 0) {
      c.closeRequested = true;
      return;
    }
    if (c.pendingPullIntos.length > 0) {
      const first = c.pendingPullIntos[0];
      if (first.bytesFilled % first.elementSize !== 0) {
        const e = new TypeError("Insufficient bytes to fill elements in the given buffer.");
        byteError(c, e);
        throw e;
      }
    }
    clearAlgorithms(c);
    S.readableClose(r);
  }
  S.byteClose = byteClose;

  function byteEnqueue(c, chunk) {
    const r = c.stream;
    if (c.closeRequested || r.state !== "readable") return;
    const { buffer, byteOffset, byteLength } = chunk;
    if (S.isDetached(buffer)) throw new TypeError("The chunk's ArrayBuffer has been detached.");
    const transferred = S.transfer(buffer);
    if (c.pendingPullIntos.length > 0) {
      const first = c.pendingPullIntos[0];
      if (S.isDetached(first.buffer)) throw new TypeError("The BYOB request's buffer has been detached.");
      S.invalidateBYOBRequest(c);
      first.buffer = S.transfer(first.buffer);
      if (first.readerType === "none") enqueueDetachedPullInto(c, first);
    }
    if (S.hasDefaultReader(r)) {
      processReadRequestsUsingQueue(c);
      if (S.numRequests(r) === 0) {
        enqueueChunk(c, transferred, byteOffset, byteLength);
      } else {
        if (c.pendingPullIntos.length > 0) c.pendingPullIntos.shift();
        S.fulfillRequest(r, new Uint8Array(transferred, byteOffset, byteLength), false);
      }
    } else if (S.hasBYOBReader(r)) {
      enqueueChunk(c, transferred, byteOffset, byteLength);
      for (const filled of processPullIntosUsingQueue(c)) commitPullInto(r, filled);
    } else {
      enqueueChunk(c, transferred, byteOffset, byteLength);
    }
    callPullIfNeeded(c);
  }
  S.byteEnqueue = byteEnqueue;

  function byteError(c, e) {
    const r = c.stream;
    if (r.state !== "readable") return;
    clearPendingPullIntos(c);
    S.resetQueue(c);
    clearAlgorithms(c);
    S.readableError(r, e);
  }
  S.byteError = byteError;

  function enqueueChunk(c, buffer, byteOffset, byteLength) {
    c.queue.push({ buffer, byteOffset, byteLength });
    c.queueTotalSize += byteLength;
  }

  function enqueueClonedChunk(c, buffer, byteOffset, byteLength) {
    let clone;
    try {
      clone = buffer.slice(byteOffset, byteOffset + byteLength);
    } catch (e) {
      byteError(c, e);
      throw e;
    }
    enqueueChunk(c, clone, 0, byteLength);
  }

  function enqueueDetachedPullInto(c, pullInto) {
    if (pullInto.bytesFilled > 0) enqueueClonedChunk(c, pullInto.buffer, pullInto.byteOffset, pullInto.bytesFilled);
    c.pendingPullIntos.shift();
  }

  function processReadRequestsUsingQueue(c) {
    const reader = c.stream.reader;
    while (reader.requests.length > 0) {
      if (c.queueTotalSize === 0) return;
      fillReadRequestFromQueue(c, reader.requests.shift());
    }
  }

  function fillReadRequestFromQueue(c, request) {
    const entry = c.queue.shift();
    c.queueTotalSize -= entry.byteLength;
    handleQueueDrain(c);
    request.chunk(new Uint8Array(entry.buffer, entry.byteOffset, entry.byteLength));
  }

  function handleQueueDrain(c) {
    if (c.queueTotalSize === 0 && c.closeRequested) {
      clearAlgorithms(c);
      S.readableClose(c.stream);
    } else {
      callPullIfNeeded(c);
    }
  }

  function processPullIntosUsingQueue(c) {
    const filled = [];
    while (c.pendingPullIntos.length > 0) {
      if (c.queueTotalSize === 0) break;
      const pullInto = c.pendingPullIntos[0];
      if (fillPullIntoFromQueue(c, pullInto)) {
        c.pendingPullIntos.shift();
        filled.push(pullInto);
      }
    }
    return filled;
  }

  // ReadableByteStreamControllerFillPullIntoDescriptorFromQueue: true once minimumFill is reached.
  function fillPullIntoFromQueue(c, p) {
    const maxBytesToCopy = Math.min(c.queueTotalSize, p.byteLength - p.bytesFilled);
    const maxBytesFilled = p.bytesFilled + maxBytesToCopy;
    let remaining = maxBytesToCopy;
    let ready = false;
    const maxAlignedBytes = maxBytesFilled - (maxBytesFilled % p.elementSize);
    if (maxAlignedBytes >= p.minimumFill) {
      remaining = maxAlignedBytes - p.bytesFilled;
      ready = true;
    }
    const destination = new Uint8Array(p.buffer);
    while (remaining > 0) {
      const head = c.queue.peek();
      const n = Math.min(remaining, head.byteLength);
      destination.set(new Uint8Array(head.buffer, head.byteOffset, n), p.byteOffset + p.bytesFilled);
      if (head.byteLength === n) c.queue.shift();
      else {
        head.byteOffset += n;
        head.byteLength -= n;
      }
      c.queueTotalSize -= n;
      p.bytesFilled += n;
      remaining -= n;
    }
    return ready;
  }

  function convertPullInto(p) {
    const buffer = S.transfer(p.buffer);
    return new p.viewConstructor(buffer, p.byteOffset, p.bytesFilled / p.elementSize);
  }

  function commitPullInto(r, p) {
    const done = r.state === "closed";
    const view = convertPullInto(p);
    S.fulfillRequest(r, view, done);
  }

  // [[PullSteps]] for a default reader on a byte stream.
  S.bytePullSteps = (c, request) => {
    const r = c.stream;
    if (c.queueTotalSize > 0) {
      fillReadRequestFromQueue(c, request);
      return;
    }
    const size = c.autoAllocateChunkSize;
    if (size !== undefined) {
      let buffer;
      try {
        buffer = new ArrayBuffer(size);
      } catch (e) {
        request.error(e);
        return;
      }
      c.pendingPullIntos.push({
        buffer, bufferByteLength: size, byteOffset: 0, byteLength: size, bytesFilled: 0, minimumFill: 1,
        elementSize: 1, viewConstructor: Uint8Array, readerType: "default",
      });
    }
    S.addRequest(r, request);
    callPullIfNeeded(c);
  };

  S.byteCancelSteps = (c, reason) => {
    clearPendingPullIntos(c);
    S.resetQueue(c);
    const cancel = c.cancelAlgorithm;
    clearAlgorithms(c);
    return cancel === null ? UNDEFINED : cancel(reason);
  };

  S.byteReleaseSteps = (c) => {
    if (c.pendingPullIntos.length > 0) {
      const first = c.pendingPullIntos[0];
      first.readerType = "none";
      c.pendingPullIntos = [first];
    }
  };

  // ReadableByteStreamControllerPullInto.
  function pullInto(c, view, min, request) {
    const r = c.stream;
    let elementSize = 1;
    let ctor = DataView;
    if (!(view instanceof DataView)) {
      elementSize = view.BYTES_PER_ELEMENT;
      ctor = view.constructor;
    }
    const { byteOffset, byteLength } = view;
    let buffer;
    try {
      buffer = S.transfer(view.buffer);
    } catch (e) {
      request.error(e);
      return;
    }
    const p = {
      buffer, bufferByteLength: buffer.byteLength, byteOffset, byteLength, bytesFilled: 0,
      minimumFill: min * elementSize, elementSize, viewConstructor: ctor, readerType: "byob",
    };
    if (c.pendingPullIntos.length > 0) {
      c.pendingPullIntos.push(p);
      S.addRequest(r, request);
      return;
    }
    if (r.state === "closed") {
      request.close(new ctor(p.buffer, p.byteOffset, 0));
      return;
    }
    if (c.queueTotalSize > 0) {
      if (fillPullIntoFromQueue(c, p)) {
        const filled = convertPullInto(p);
        handleQueueDrain(c);
        request.chunk(filled);
        return;
      }
      if (c.closeRequested) {
        const e = new TypeError("Insufficient bytes to fill elements in the given buffer.");
        byteError(c, e);
        request.error(e);
        return;
      }
    }
    c.pendingPullIntos.push(p);
    S.addRequest(r, request);
    callPullIfNeeded(c);
  }
  S.bytePullInto = pullInto;

  function getBYOBRequest(c) {
    if (c.byobRequest === null && c.pendingPullIntos.length > 0) {
      const first = c.pendingPullIntos[0];
      const view = new Uint8Array(first.buffer, first.byteOffset + first.bytesFilled, first.byteLength - first.bytesFilled);
      c.byobRequest = new ReadableStreamBYOBRequest(TOKEN, c, view);
    }
    return c.byobRequest;
  }
  S.getBYOBRequest = getBYOBRequest;

  function respond(c, bytesWritten) {
    const first = c.pendingPullIntos[0];
    if (c.stream.state === "closed") {
      if (bytesWritten !== 0) throw new TypeError("bytesWritten must be 0 when calling respond() on a closed stream.");
    } else {
      if (bytesWritten === 0) throw new TypeError("bytesWritten must be greater than 0 when calling respond() on a readable stream.");
      if (first.bytesFilled + bytesWritten > first.byteLength) throw new RangeError("bytesWritten out of range.");
    }
    first.buffer = S.transfer(first.buffer);
    respondInternal(c, bytesWritten);
  }
  S.byteRespond = respond;

  function respondWithNewView(c, view) {
    const first = c.pendingPullIntos[0];
    if (c.stream.state === "closed") {
      if (view.byteLength !== 0) throw new TypeError("The view's length must be 0 when calling respondWithNewView() on a closed stream.");
    } else if (view.byteLength === 0) {
      throw new TypeError("The view's length must be greater than 0 when calling respondWithNewView() on a readable stream.");
    }
    if (first.byteOffset + first.bytesFilled !== view.byteOffset) {
      throw new RangeError("The region specified by view does not match byobRequest.");
    }
    if (first.bufferByteLength !== view.buffer.byteLength) {
      throw new RangeError("The buffer of view has different capacity than byobRequest.");
    }
    if (first.bytesFilled + view.byteLength > first.byteLength) {
      throw new RangeError("The region specified by view is larger than byobRequest.");
    }
    const length = view.byteLength;
    first.buffer = S.transfer(view.buffer);
    respondInternal(c, length);
  }

  function respondInternal(c, bytesWritten) {
    const first = c.pendingPullIntos[0];
    S.invalidateBYOBRequest(c);
    if (c.stream.state === "closed") respondInClosedState(c, first);
    else respondInReadableState(c, bytesWritten, first);
    callPullIfNeeded(c);
  }

  function respondInClosedState(c, first) {
    if (first.readerType === "none") c.pendingPullIntos.shift();
    const r = c.stream;
    if (S.hasBYOBReader(r)) {
      const filled = [];
      while (filled.length < S.numRequests(r)) filled.push(c.pendingPullIntos.shift());
      for (const p of filled) commitPullInto(r, p);
    }
  }

  function respondInReadableState(c, bytesWritten, p) {
    const r = c.stream;
    p.bytesFilled += bytesWritten;
    if (p.readerType === "none") {
      enqueueDetachedPullInto(c, p);
      for (const filled of processPullIntosUsingQueue(c)) commitPullInto(r, filled);
      return;
    }
    if (p.bytesFilled < p.minimumFill) return;
    c.pendingPullIntos.shift();
    const remainder = p.bytesFilled % p.elementSize;
    if (remainder > 0) {
      const end = p.byteOffset + p.bytesFilled;
      enqueueClonedChunk(c, p.buffer, end - remainder, remainder);
    }
    p.bytesFilled -= remainder;
    const filled = processPullIntosUsingQueue(c);
    commitPullInto(r, p);
    for (const f of filled) commitPullInto(r, f);
  }
})();
