// Kindling prelude: the stand-in stream behind `Request.body` / `Response.body` until the
// streams issue brings a real ReadableStream. It covers what Workers code does with a body stream
// in practice: pass it to `new Response(stream, …)` / `new Request(…, { body: stream })` (which
// unwraps it without copying), read it with getReader() or `for await`, cancel() or tee() it.
// It holds one chunk (the whole body) and is not exposed as a global.
//
// Hooks this file defines on internal (a real streams implementation replaces them):
//   internal.makeBodyStream(source)    → a stream over a string or Uint8Array source
//   internal.makeUsedBodyStream()      → a stream that is already disturbed and closed
//   internal.unwrapBodyStream(stream)  → the string/Uint8Array behind an untouched stream, marking
//                                        the stream disturbed and locked; undefined otherwise
//   internal.isBodyStream(value), internal.isStreamDisturbed(stream)
//   internal.readStreamBytes(stream)   → Promise<Uint8Array> of every chunk (any stream with getReader)
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];

  const LOCKED = "This ReadableStream is currently locked to a reader.";
  const NEW = Object.freeze({});

  class BodyStream {
    #source; // string | Uint8Array | null once read, cancelled or unwrapped
    #reader = null;
    #disturbed = false;

    constructor(token, source, disturbed) {
      if (token !== NEW) throw new TypeError("Illegal constructor");
      this.#source = source;
      this.#disturbed = disturbed;
    }

    static {
      internal.makeBodyStream = (source) => new BodyStream(NEW, source, false);
      internal.makeUsedBodyStream = () => new BodyStream(NEW, null, true);
      internal.isOwnBodyStream = (s) => #source in Object(s);
      internal.ownStreamDisturbed = (s) => s.#disturbed;
      internal.unwrapOwnStream = (s) => {
        if (s.#disturbed || s.#reader !== null || s.#source === null) return undefined;
        const source = s.#source;
        s.#source = null;
        s.#disturbed = true;
        s.#reader = LOCKED; // permanently locked: the source now belongs to another body
        return source;
      };
      internal.readOwnStream = (s, reader) => {
        if (s.#reader !== reader) throw new TypeError("This reader has been released.");
        s.#disturbed = true;
        const source = s.#source;
        s.#source = null;
        if (source === null) return null;
        const bytes = typeof source === "string" ? internal.utf8Encode(source) : source.slice();
        return bytes.length === 0 ? null : bytes;
      };
      internal.releaseOwnStream = (s, reader) => {
        if (s.#reader === reader) s.#reader = null;
      };
      internal.cancelOwnStream = (s) => {
        s.#disturbed = true;
        s.#source = null;
      };
    }

    static #check(self) {
      if (self === null || (typeof self !== "object" && typeof self !== "function") || !(#source in self)) {
        throw new TypeError("Illegal invocation");
      }
    }

    get locked() {
      BodyStream.#check(this);
      return this.#reader !== null;
    }

    getReader(options = undefined) {
      BodyStream.#check(this);
      if (options !== undefined && options !== null && options.mode !== undefined) {
        if (`${options.mode}` !== "byob") {
          throw new TypeError(`Failed to execute 'getReader' on 'ReadableStream': '${options.mode}' is not a valid value for mode.`);
        }
        throw new TypeError("BYOB readers are not supported by Kindling's body streams yet.");
      }
      if (this.#reader !== null) throw new TypeError(LOCKED);
      const reader = new BodyStreamReader(NEW, this);
      this.#reader = reader;
      return reader;
    }

    cancel(reason = undefined) {
      BodyStream.#check(this);
      if (this.#reader !== null) return Promise.reject(new TypeError(LOCKED));
      internal.cancelOwnStream(this);
      return Promise.resolve(undefined);
    }

    // Both branches share the (immutable) source; this stream becomes locked and disturbed.
    tee() {
      BodyStream.#check(this);
      if (this.#reader !== null) throw new TypeError(LOCKED);
      const source = this.#source;
      const disturbed = this.#disturbed;
      this.#reader = LOCKED;
      this.#source = null;
      this.#disturbed = true;
      return [new BodyStream(NEW, source, disturbed), new BodyStream(NEW, source, disturbed)];
    }

    values(options = undefined) {
      BodyStream.#check(this);
      const reader = this.getReader();
      const preventCancel = options !== undefined && options !== null && !!options.preventCancel;
      const it = { [Symbol.asyncIterator]() { return this; } };
      it.next = () => reader.read().then((r) => (r.done ? (reader.releaseLock(), r) : r));
      it.return = (value) => {
        const done = preventCancel ? Promise.resolve() : reader.cancel(value);
        return done.then(() => (reader.releaseLock(), { value, done: true }));
      };
      return it;
    }

    [Symbol.asyncIterator](options = undefined) {
      return this.values(options);
    }
  }
  internal.exposeMembers(BodyStream.prototype);
  internal.brand(BodyStream, "ReadableStream");

  class BodyStreamReader {
    #stream;
    #closed;
    #resolveClosed;

    constructor(token, stream) {
      if (token !== NEW) throw new TypeError("Illegal constructor");
      this.#stream = stream;
      this.#closed = new Promise((resolve) => {
        this.#resolveClosed = resolve;
      });
    }

    static #check(self) {
      if (self === null || (typeof self !== "object" && typeof self !== "function") || !(#stream in self)) {
        throw new TypeError("Illegal invocation");
      }
      if (self.#stream === null) throw new TypeError("This ReadableStream reader has been released.");
      return self.#stream;
    }

    get closed() {
      if (!(#stream in this)) throw new TypeError("Illegal invocation");
      return this.#closed;
    }

    read() {
      let stream;
      try {
        stream = BodyStreamReader.#check(this);
      } catch (e) {
        return Promise.reject(e);
      }
      const chunk = internal.readOwnStream(stream, this);
      if (chunk === null) {
        this.#resolveClosed(undefined);
        return Promise.resolve({ value: undefined, done: true });
      }
      return Promise.resolve({ value: chunk, done: false });
    }

    cancel(reason = undefined) {
      let stream;
      try {
        stream = BodyStreamReader.#check(this);
      } catch (e) {
        return Promise.reject(e);
      }
      internal.cancelOwnStream(stream);
      this.#resolveClosed(undefined);
      return Promise.resolve(undefined);
    }

    releaseLock() {
      if (!(#stream in this)) throw new TypeError("Illegal invocation");
      if (this.#stream === null) return;
      internal.releaseOwnStream(this.#stream, this);
      this.#stream = null;
    }
  }
  internal.exposeMembers(BodyStreamReader.prototype);
  internal.brand(BodyStreamReader, "ReadableStreamDefaultReader");

  // ---------------------------------------------------------------- hooks used by the Body mixin
  internal.isBodyStream = (v) =>
    v !== null && typeof v === "object" && typeof v.getReader === "function" && !ArrayBuffer.isView(v);
  internal.isStreamDisturbed = (s) => (internal.isOwnBodyStream(s) ? internal.ownStreamDisturbed(s) : false);
  internal.unwrapBodyStream = (s) => (internal.isOwnBodyStream(s) ? internal.unwrapOwnStream(s) : undefined);

  internal.readStreamBytes = async function readStreamBytes(stream) {
    const reader = stream.getReader();
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let chunk;
      if (value instanceof Uint8Array) chunk = value;
      else if (value instanceof ArrayBuffer) chunk = new Uint8Array(value);
      else if (ArrayBuffer.isView(value)) chunk = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      else throw new TypeError("This ReadableStream did not return bytes.");
      chunks.push(chunk);
      total += chunk.length;
    }
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  };
})();
