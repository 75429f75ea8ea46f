// Kindling prelude: how bodies (15-body.js, 16-request.js, 17-response.js, 18-blob.js) use the real
// ReadableStream of 14-stream-*.js. A body's `body` getter makes a byte stream over the body's string
// or bytes lazily; while nobody has read it, the stream still carries that source, so handing the
// stream to `new Response(stream)` or to the host unwraps it again without copying or streaming
// (the dispatch fast path).
//
// Internal hooks for other prelude files and for the host (all on `internal`):
//   makeBodyStream(source)        → a ReadableStream (type "bytes") over a string or Uint8Array; its
//                                   first pull enqueues one copy of the bytes and closes
//   makeUsedBodyStream()          → a stream that is already disturbed and closed
//   makeErroredBodyStream(reason) → a stream errored with reason
//   unwrapBodyStream(stream)      → the string/Uint8Array behind an untouched body stream, leaving the
//                                   stream locked, disturbed and closed; undefined for any other stream
//   isBodyStream(value)           → value is a ReadableStream (brand check)
//   isStreamDisturbed(stream)     → the stream has been read from or cancelled
//   readStreamBytes(stream)       → Promise<Uint8Array> of every chunk, read through an internal reader
//                                   (chunks must be ArrayBuffers or views, else a TypeError)
//   readStreamChunks(stream, onChunk) → Promise<void>: onChunk(Uint8Array) for each chunk, as it comes
//   newByteStream(pull, cancel, hostHandle?) → [stream, controller record] for a host-fed byte stream: pull(c) is
//                                   called (returning a promise) whenever the stream wants data; feed it
//                                   with enqueueBytes(c, Uint8Array) (adopts the bytes), closeBytes(c),
//                                   errorBytes(c, error); desiredBytes(c) is the controller's desiredSize
//   abortByteStream(stream, reason) → errors a readable stream with reason and runs its source's cancel
//   unwrapHostStream(stream)      → the hostHandle given to newByteStream, if nobody read the stream (which
//                                   is left closed); undefined otherwise
// Streams internals for other streams files are on internal.streams (see 14-stream-base.js).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { UNDEFINED } = S;

  internal.makeBodyStream = (source) => {
    const r = S.createReadableByteStream(
      undefined,
      (c) => {
        const body = r.bodySource;
        r.bodySource = null;
        if (body !== null) {
          const bytes = typeof body === "string" ? internal.utf8Encode(body) : body.slice();
          if (bytes.length > 0) S.byteEnqueue(c, bytes);
        }
        S.byteClose(c);
        if (c.pendingPullIntos.length > 0) S.byteRespond(c, 0);
        return UNDEFINED;
      },
      () => UNDEFINED,
    );
    r.bodySource = source;
    return r.stream;
  };

  internal.makeErroredBodyStream = (reason) => {
    const r = S.createReadableByteStream(undefined, () => UNDEFINED, () => UNDEFINED);
    S.byteError(r.controller, reason);
    return r.stream;
  };

  internal.makeUsedBodyStream = () => {
    const r = S.createReadableByteStream(undefined, () => UNDEFINED, () => UNDEFINED);
    S.readableCancel(r, undefined);
    return r.stream;
  };

  internal.unwrapBodyStream = (stream) => {
    if (!S.isReadableStream(stream)) return undefined;
    const r = S.readableRecord(stream);
    const source = r.bodySource;
    if (source === null || r.disturbed || r.reader !== null || r.state !== "readable") return undefined;
    S.acquireReader(r, false); // permanently locked: the source now belongs to another body
    S.readableCancel(r, undefined);
    return source;
  };

  internal.isBodyStream = (value) => S.isReadableStream(value);
  internal.isStreamDisturbed = (stream) => S.isReadableStream(stream) && S.readableRecord(stream).disturbed;

  const NOT_BYTES = "This ReadableStream did not return bytes.";

  // Reads every chunk of `stream` through a reader of our own; onChunk gets each as a Uint8Array.
  function readStreamChunks(stream, onChunk) {
    const reader = S.acquireReader(S.readableRecord(stream), false);
    return new Promise((resolve, reject) => {
      const request = {
        chunk(value) {
          const bytes = S.bytesOf(value);
          if (bytes === undefined) {
            const e = new TypeError(NOT_BYTES);
            S.readableCancel(reader.stream, e);
            reject(e);
            return;
          }
          try {
            onChunk(bytes);
          } catch (e) {
            S.readableCancel(reader.stream, e);
            reject(e);
            return;
          }
          // Read on in a microtask: a source that enqueues synchronously must not grow the stack.
          S.microtask(() => S.readerRead(reader, request));
        },
        close() {
          resolve(undefined);
        },
        error(e) {
          reject(e);
        },
      };
      S.readerRead(reader, request);
    });
  }
  internal.readStreamChunks = readStreamChunks;

  internal.readStreamBytes = async function readStreamBytes(stream) {
    const chunks = [];
    let total = 0;
    await readStreamChunks(stream, (chunk) => {
      chunks.push(chunk);
      total += chunk.length;
    });
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  };

  internal.newByteStream = (pull, cancel, hostHandle) => {
    const r = S.createReadableByteStream(undefined, pull, cancel === undefined ? () => UNDEFINED : cancel);
    if (hostHandle !== undefined) r.hostHandle = hostHandle;
    return [r.stream, r.controller];
  };
  // The host's handle behind a host-fed stream nobody has read, so the host can read its own stream directly (a
  // fetched response returned as is, an upload forwarded by fetch): the stream is left locked, disturbed and closed,
  // without its cancel algorithm running (the host stream lives on). undefined for any other stream.
  internal.unwrapHostStream = (stream) => {
    if (!S.isReadableStream(stream)) return undefined;
    const r = S.readableRecord(stream);
    const handle = r.hostHandle;
    if (handle === undefined || r.disturbed || r.reader !== null || r.state !== "readable") return undefined;
    r.hostHandle = undefined;
    S.acquireReader(r, false);
    r.controller.cancelAlgorithm = null;
    S.readableCancel(r, undefined);
    return handle;
  };
  internal.enqueueBytes = (c, bytes) => S.byteEnqueue(c, bytes);
  internal.closeBytes = (c) => {
    S.byteClose(c);
    if (c.pendingPullIntos.length > 0) S.byteRespond(c, 0);
  };
  internal.errorBytes = (c, e) => S.byteError(c, e);
  internal.desiredBytes = (c) => S.controllerDesiredSize(c);
  // Errors a stream from outside its source (a fetch aborted while its body arrives) and runs the source's
  // cancel algorithm, so the host stops producing. Does nothing once the stream has closed or errored.
  internal.abortByteStream = (stream, reason) => {
    const r = S.readableRecord(stream);
    if (r.state !== "readable") return;
    const c = r.controller;
    const cancel = c.cancelAlgorithm;
    if (c.kind === "bytes") S.byteError(c, reason);
    else S.defaultError(c, reason);
    if (cancel !== null) Promise.resolve(cancel(reason)).catch(() => {});
  };
})();
