// Kindling prelude: Blob and File (W3C File API), so bodies can be read with blob() and built
// from a Blob. A Blob holds one immutable Uint8Array (a slice shares its parent's bytes).
// Registers internal.extractBodyHook so `new Response(blob)` takes the bytes and the type.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const NEW = Object.freeze({});

  // The type as the File API normalises it: lower-cased, or "" when it has a non-printable-ASCII character.
  function normalizeType(type) {
    const s = `${type}`;
    return /^[\x20-\x7e]*$/.test(s) ? s.toLowerCase() : "";
  }

  // "Process blob parts": the bytes of a sequence of strings, buffers, views and Blobs.
  function processParts(parts) {
    const chunks = [];
    let total = 0;
    for (const part of parts) {
      let bytes;
      if (typeof part === "string") {
        bytes = internal.utf8Encode(part);
      } else if (internal.isBlob(part)) {
        bytes = internal.blobBytes(part);
      } else if (ArrayBuffer.isView(part)) {
        bytes = new Uint8Array(part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength));
      } else if (part instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && part instanceof SharedArrayBuffer)) {
        bytes = new Uint8Array(part.slice(0));
      } else {
        bytes = internal.utf8Encode(internal.toUSV(part));
      }
      chunks.push(bytes);
      total += bytes.length;
    }
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  function readOptions(options, what) {
    if (options === undefined || options === null) return { type: "" };
    if (typeof options !== "object" && typeof options !== "function") {
      throw new TypeError(`Failed to construct '${what}': The provided value is not of type '${what}PropertyBag'.`);
    }
    // workerd does not implement line-ending conversion and refuses the option outright.
    if (options.endings !== undefined) throw new TypeError("The 'endings' field on 'Options' is not implemented.");
    return { type: options.type === undefined ? "" : normalizeType(options.type) };
  }

  function toParts(blobParts, what) {
    if (blobParts === undefined) return [];
    if (blobParts === null || typeof blobParts !== "object" || typeof blobParts[Symbol.iterator] !== "function") {
      throw new TypeError(`Failed to construct '${what}': The provided value cannot be converted to a sequence.`);
    }
    return [...blobParts];
  }

  class Blob {
    #bytes;
    #type;

    constructor(blobParts = undefined, options = undefined) {
      if (blobParts === NEW) {
        this.#bytes = options.bytes;
        this.#type = options.type;
        return;
      }
      const parts = toParts(blobParts, "Blob");
      const { type } = readOptions(options, "Blob");
      this.#bytes = processParts(parts);
      this.#type = type;
    }

    static #check(self) {
      if (self === null || typeof self !== "object" || !(#bytes in self)) throw new TypeError("Illegal invocation");
      return self;
    }

    static {
      internal.isBlob = (v) => v !== null && typeof v === "object" && #bytes in v;
      internal.blobBytes = (b) => b.#bytes;
      internal.newBlob = (bytes, type = "") => new Blob(NEW, { bytes, type });
      internal.initBlob = (blob, bytes, type) => {
        blob.#bytes = bytes;
        blob.#type = type;
      };
    }

    get size() {
      return Blob.#check(this).#bytes.length;
    }
    get type() {
      return Blob.#check(this).#type;
    }

    slice(start = undefined, end = undefined, contentType = undefined) {
      const bytes = Blob.#check(this).#bytes;
      const size = bytes.length;
      const clamp = (value, fallback) => {
        if (value === undefined) return fallback;
        const n = Math.trunc(Number(value)) || 0;
        return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
      };
      const from = clamp(start, 0);
      const to = clamp(end, size);
      const type = contentType === undefined ? "" : normalizeType(contentType);
      return new Blob(NEW, { bytes: bytes.subarray(from, Math.max(from, to)), type });
    }

    arrayBuffer() {
      try {
        const bytes = Blob.#check(this).#bytes;
        return Promise.resolve(bytes.slice().buffer);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    bytes() {
      try {
        return Promise.resolve(Blob.#check(this).#bytes.slice());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    text() {
      try {
        const text = internal.utf8Decode(Blob.#check(this).#bytes);
        return Promise.resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    stream() {
      return internal.makeBodyStream(Blob.#check(this).#bytes);
    }
  }
  internal.exposeMembers(Blob.prototype);
  internal.brand(Blob, "Blob");

  class File extends Blob {
    #name;
    #lastModified;

    constructor(fileBits, fileName, options = undefined) {
      if (arguments.length < 2) internal.argCount(arguments.length, 2, "Failed to construct 'File'");
      const parts = toParts(fileBits, "File");
      const { type } = readOptions(options, "File");
      super();
      internal.initBlob(this, processParts(parts), type);
      this.#name = internal.toUSV(fileName);
      const lastModified = options === undefined || options === null ? undefined : options.lastModified;
      this.#lastModified = lastModified === undefined ? Date.now() : Math.trunc(Number(lastModified)) || 0;
    }

    static #check(self) {
      if (self === null || typeof self !== "object" || !(#name in self)) throw new TypeError("Illegal invocation");
      return self;
    }

    static {
      internal.isFile = (v) => v !== null && typeof v === "object" && #name in v;
    }

    get name() {
      return File.#check(this).#name;
    }
    get lastModified() {
      return File.#check(this).#lastModified;
    }
  }
  internal.exposeMembers(File.prototype);
  internal.brand(File, "File");

  const previousHook = internal.extractBodyHook;
  internal.extractBodyHook = (init) => {
    if (internal.isBlob(init)) {
      const type = init.type;
      return [internal.blobBytes(init), type === "" ? null : type];
    }
    return previousHook === undefined ? undefined : previousHook(init);
  };

  // Blobs are immutable, so a clone shares the bytes.
  internal.registerCloneable(internal.isBlob, (blob) => {
    const bytes = internal.blobBytes(blob);
    if (!internal.isFile(blob)) return internal.newBlob(bytes, blob.type);
    return new File([internal.newBlob(bytes)], blob.name, { type: blob.type, lastModified: blob.lastModified });
  });
  internal.defineGlobal("Blob", Blob);
  internal.defineGlobal("File", File);
})();
