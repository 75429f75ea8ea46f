// Kindling prelude: Body, the base class of Request and Response (Fetch Standard §5.3 "Body
// mixin"; workerd makes it a base class too, so Request.prototype inherits from Body.prototype).
// Body itself is not a global.
//
// A body's *source* is one of:
//   null          no body: text() gives "", bodyUsed stays false, `body` is null
//   string        a USVString body, kept as a string (text() returns it without re-decoding)
//   Uint8Array    bytes owned by the body (copied in, copied out; shared between clones,
//                 never mutated, never handed to user code)
//   stream        a ReadableStream-like object (getReader()); created lazily by the `body`
//                 getter (see 14-stream-body.js) or given by the user. An untouched stream of
//                 ours is unwrapped back to its string/bytes when consumed, so
//                 `new Response(other.body, other)` copies nothing.
// A body is "used" once consumed (our flag) or once its stream is disturbed (the stream's state).
//
// Internal API (for Request/Response and the host):
//   new internal.Body(...) is reserved to subclasses: super(internal.BODY_TOKEN, source, headers)
//   internal.extractBody(init)       → [source, contentType | null]; copies buffer sources
//   internal.bodySource(obj)         → the current source (no side effects)
//   internal.consumeBody(obj)        → null | string | Uint8Array | Promise<Uint8Array>; marks used,
//                                      throws TypeError when the body was used already
//   internal.takeBodySource(obj)     → like consumeBody but hands over a foreign stream unread
//   internal.errorBody(obj, reason)  → errors the body (a fetch aborted after its response came)
//   internal.cloneBodySource(obj)    → a source for a clone (tees a foreign stream)
//   internal.bodyBytes(obj)          → null | Uint8Array | Promise<Uint8Array|null>: the bytes for
//                                      the host (strings UTF-8 encoded in JS); consumes the body.
//                                      A Uint8Array may be a view (a Blob slice): read byteOffset
//                                      and byteLength, and copy it out, never keep or change it
// Hooks other files set: internal.extractBodyHook(init) → [source, contentType] for Blob and
// FormData (18-blob.js, 19-formdata.js); internal.parseFormData(bytes, contentType) for formData().
// A real ReadableStream (the streams issue) replaces the hooks of 14-stream-body.js; it must
// implement isStreamDisturbed and may implement unwrapBodyStream for its own byte sources.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const USED = "Body has already been used. It can only be used once. Use tee() first if you need to read it twice.";
  const DISTURBED =
    "This ReadableStream is disturbed (has already been read from), and cannot be used as a body.";
  const LOCKED = "This ReadableStream is currently locked to a reader.";
  internal.BODY_USED_MESSAGE = USED;

  // Whether a value is a ReadableStream: none exists before the streams files have run, so asking does not load them.
  const isStream = (value) => internal.isLoaded("isBodyStream") && internal.isBodyStream(value);

  function copyBytes(buffer, offset, length) {
    return new Uint8Array(ArrayBuffer.prototype.slice.call(buffer, offset, offset + length));
  }

  // "Extract a body" (Fetch §5.2): [source, contentType | null].
  function extractBody(init) {
    if (typeof init === "string") return [init.isWellFormed() ? init : init.toWellFormed(), "text/plain;charset=UTF-8"];
    if (init !== null && typeof init === "object") {
      if (ArrayBuffer.isView(init)) return [copyBytes(init.buffer, init.byteOffset, init.byteLength), null];
      if (init instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && init instanceof SharedArrayBuffer)) {
        return [copyBytes(init, 0, init.byteLength), null];
      }
      if (internal.isLoaded("isSearchParams") && internal.isSearchParams(init)) return [init.toString(), "application/x-www-form-urlencoded;charset=UTF-8"];
      if (internal.extractBodyHook !== undefined) {
        // Blob, FormData, … when those exist.
        const extracted = internal.extractBodyHook(init);
        if (extracted !== undefined) return extracted;
      }
      if (isStream(init)) {
        if (internal.isStreamDisturbed(init)) throw new TypeError(DISTURBED);
        if (init.locked) throw new TypeError(LOCKED);
        const unwrapped = internal.unwrapBodyStream(init);
        return [unwrapped !== undefined ? unwrapped : init, null];
      }
    }
    return [internal.toUSV(init), "text/plain;charset=UTF-8"];
  }
  internal.extractBody = extractBody;

  const stripBOM = (s) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);
  // UTF-8 decode, dropping a leading BOM (internal.utf8Decode keeps it).
  const decode = (bytes) => stripBOM(internal.utf8Decode(bytes));
  // An ArrayBuffer the caller may keep: reuses a fresh exact-size buffer, copies anything else.
  const ownBuffer = (bytes, fresh) =>
    fresh && bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length
      ? bytes.buffer
      : copyBytes(bytes.buffer, bytes.byteOffset, bytes.length).buffer;

  const NEW = Object.freeze({});
  internal.BODY_TOKEN = NEW;

  class Body {
    #source;
    #used = false;
    #headers;

    constructor(token, source, headers) {
      if (token !== NEW) throw new TypeError("Illegal constructor");
      this.#source = source;
      this.#headers = headers;
    }

    static #check(obj) {
      if (obj === null || typeof obj !== "object" || !(#source in obj)) throw new TypeError("Illegal invocation");
    }

    // Marks the body used and returns its source, unwrapping our own untouched stream.
    // readForeign: read a foreign stream (→ promise) rather than hand it over.
    static #take(obj, readForeign) {
      Body.#check(obj);
      const source = obj.#source;
      if (source === null) return null;
      if (obj.#used) throw new TypeError(USED);
      if (typeof source === "string" || source instanceof Uint8Array) {
        obj.#used = true;
        return source;
      }
      if (internal.isStreamDisturbed(source)) throw new TypeError(USED);
      if (source.locked) throw new TypeError(LOCKED);
      obj.#used = true;
      const unwrapped = internal.unwrapBodyStream(source);
      if (unwrapped !== undefined) return unwrapped;
      return readForeign ? internal.readStreamBytes(source) : source;
    }

    static {
      internal.Body = Body;
      internal.isBody = (v) => v !== null && typeof v === "object" && #source in v;
      internal.bodySource = (obj) => obj.#source;
      internal.bodyHeaders = (obj) => obj.#headers;
      internal.consumeBody = (obj) => Body.#take(obj, true);
      internal.takeBodySource = (obj) => Body.#take(obj, false);
      // Fetch's "abort fetch" for a response already out: its body errors with `reason` unless it was read whole
      // already; a stream (being read or not) errors and its source is cancelled.
      internal.errorBody = (obj, reason) => {
        const source = obj.#source;
        if (source === null) return;
        if (isStream(source)) internal.abortByteStream(source, reason);
        else if (!obj.#used) obj.#source = internal.makeErroredBodyStream(reason);
      };
      internal.cloneBodySource = (obj) => {
        Body.#check(obj);
        const source = obj.#source;
        if (source === null) return null;
        if (obj.#used || (isStream(source) && internal.isStreamDisturbed(source))) throw new TypeError(USED);
        if (!isStream(source)) return source;
        if (source.locked) throw new TypeError(LOCKED);
        const unwrapped = internal.unwrapBodyStream(source);
        if (unwrapped !== undefined) {
          obj.#source = unwrapped;
          return unwrapped;
        }
        const [mine, theirs] = source.tee();
        obj.#source = mine;
        return theirs;
      };
      internal.bodyBytes = (obj) => {
        const source = Body.#take(obj, true);
        if (source === null) return null;
        if (typeof source === "string") return internal.utf8Encode(source);
        return source;
      };
    }

    get body() {
      Body.#check(this);
      const source = this.#source;
      if (source === null || isStream(source)) return source;
      const stream = this.#used ? internal.makeUsedBodyStream() : internal.makeBodyStream(source);
      this.#source = stream;
      return stream;
    }

    get bodyUsed() {
      Body.#check(this);
      const source = this.#source;
      if (source === null) return false;
      return this.#used || (isStream(source) && internal.isStreamDisturbed(source));
    }

    arrayBuffer() {
      try {
        const source = Body.#take(this, true);
        if (source === null) return Promise.resolve(new ArrayBuffer(0));
        if (typeof source === "string") return Promise.resolve(internal.utf8Encode(source).buffer);
        if (source instanceof Uint8Array) return Promise.resolve(ownBuffer(source, false));
        return source.then((bytes) => ownBuffer(bytes, false));
      } catch (e) {
        return Promise.reject(e);
      }
    }

    bytes() {
      return this.arrayBuffer().then((buffer) => new Uint8Array(buffer));
    }

    text() {
      try {
        const source = Body.#take(this, true);
        if (source === null) return Promise.resolve("");
        if (typeof source === "string") return Promise.resolve(stripBOM(source));
        if (source instanceof Uint8Array) return Promise.resolve(decode(source));
        return source.then(decode);
      } catch (e) {
        return Promise.reject(e);
      }
    }

    json() {
      return this.text().then((text) => JSON.parse(text));
    }

    blob() {
      let type;
      try {
        Body.#check(this);
        type = internal.headersGet(this.#headers, "content-type") ?? "";
      } catch (e) {
        return Promise.reject(e);
      }
      return this.arrayBuffer().then((buffer) => {
        if (internal.newBlob === undefined) throw new TypeError("Blob is not available in Kindling yet.");
        return internal.newBlob(new Uint8Array(buffer), /^[\x20-\x7e]*$/.test(type) ? type.toLowerCase() : "");
      });
    }

    formData() {
      let type;
      try {
        Body.#check(this);
        if (this.bodyUsed) throw new TypeError(USED);
        type = internal.headersGet(this.#headers, "content-type");
        if (type === null) throw new TypeError("Parsing a Body as FormData requires a Content-Type header.");
      } catch (e) {
        return Promise.reject(e);
      }
      return this.bytes().then((bytes) => {
        if (internal.parseFormData === undefined) throw new TypeError("FormData is not available in Kindling yet.");
        return internal.parseFormData(bytes, type);
      });
    }
  }
  internal.exposeMembers(Body.prototype);
  internal.brand(Body, "Body");
})();
