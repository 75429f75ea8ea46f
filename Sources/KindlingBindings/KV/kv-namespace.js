// The KV namespace binding as Workers code sees it (env.COUNTS), over a host object whose
// functions do the storage work in Swift (KVBinding.swift). The host functions are
// synchronous and fast (SQLite on this thread); the methods here are async as on the platform,
// so their errors arrive as rejections, never as synchronous throws.
//
// Evaluated once per isolate; defines the (hidden) global factory KVBinding's ScriptArgument
// calls, once per binding, with that binding's host object.
Object.defineProperty(globalThis, "__kindlingMakeKVNamespace", { value: (() => {
  // Values are decoded as workerd reads them: invalid bytes become U+FFFD, a BOM is kept.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

  // Strings are converted with a template literal, as Web IDL does (a Symbol is a TypeError).
  function readType(options) {
    if (options === undefined || options === null) return { type: "text", cacheTtl: undefined };
    if (typeof options === "string") return { type: options, cacheTtl: undefined };
    const type = options.type === undefined || options.type === null ? "text" : `${options.type}`;
    return { type, cacheTtl: options.cacheTtl };
  }

  // Bytes from the host (a Uint8Array) in the form the caller asked for.
  function convert(bytes, type) {
    switch (type) {
      case "text":
        return decoder.decode(bytes);
      case "json":
        return JSON.parse(decoder.decode(bytes));
      case "arrayBuffer":
        return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? bytes.buffer
          : bytes.slice().buffer;
      case "stream":
        return new Response(bytes).body;
      default:
        throw new TypeError(
          'Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".'
        );
    }
  }

  // A bulk value: the host has already refused types other than text and json; a value that is
  // not JSON fails the whole call, with Miniflare's (the KV API's) wording.
  function convertBulk(bytes, type) {
    if (type !== "json") return decoder.decode(bytes);
    try {
      return JSON.parse(decoder.decode(bytes));
    } catch {
      throw new Error("KV GET_BULK failed: 400 At least one of the requested keys corresponds to a non-json value");
    }
  }

  function parseMetadata(text) {
    return text === null || text === undefined ? null : JSON.parse(text);
  }

  // An `int` option as workerd's bindings convert it: absent when undefined or null, otherwise a
  // number truncated toward zero, with NaN (and anything else that is not a finite number) as 0 —
  // so `{ expirationTtl: "nan" }` fails as "Invalid expiration_ttl of 0", as in production.
  function optionalInteger(value) {
    if (value === undefined || value === null) return undefined;
    const number = Number(value);
    return Number.isFinite(number) ? Math.trunc(number) : 0;
  }

  // A body stream: the global ReadableStream once the runtime has one, else the prelude's
  // stand-in (branded "ReadableStream", read through `new Response(stream)`).
  function isReadableStream(value) {
    if (typeof ReadableStream === "function" && value instanceof ReadableStream) return true;
    return typeof value.getReader === "function" &&
      Object.prototype.toString.call(value) === "[object ReadableStream]";
  }

  // What put() accepts, as bytes or text for the host; streams are read to the end first.
  // Primitives are converted to strings (workerd's `kj::OneOf<kj::String, jsg::JsObject>`); of
  // objects (functions included) only buffers, views and streams are accepted.
  async function valueForHost(value) {
    if (typeof value === "string") return value;
    if ((typeof value !== "object" && typeof value !== "function") || value === null) return `${value}`;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (ArrayBuffer.isView(value)) {
      const window = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      // A copy for a window that does not start at the buffer's start: the runtime's byte
      // conversion reads from the start of the backing store (it ignores the view's byteOffset).
      return value.byteOffset === 0 ? window : window.slice();
    }
    if (typeof value === "object" && isReadableStream(value)) {
      return new Uint8Array(await new Response(value).arrayBuffer());
    }
    throw new TypeError(
      "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values."
    );
  }

  class KvNamespace {
    #host;

    constructor(host) {
      this.#host = host;
    }

    async get(key, options) {
      const { type, cacheTtl } = readType(options);
      if (Array.isArray(key)) return this.#getBulk(key, type, cacheTtl, false);
      if (type === "text") return this.#host.getText(`${key}`, optionalInteger(cacheTtl));
      const bytes = this.#host.get(`${key}`, optionalInteger(cacheTtl));
      return bytes === null ? null : convert(bytes, type);
    }

    async getWithMetadata(key, options) {
      const { type, cacheTtl } = readType(options);
      if (Array.isArray(key)) return this.#getBulk(key, type, cacheTtl, true);
      const found = this.#host.getWithMetadata(`${key}`, optionalInteger(cacheTtl));
      if (found === null) return { value: null, metadata: null, cacheStatus: null };
      return { value: convert(found[0], type), metadata: parseMetadata(found[1]), cacheStatus: null };
    }

    async #getBulk(keys, type, cacheTtl, withMetadata) {
      const names = keys.map((key) => `${key}`);
      // Bulk reads come back as text or JSON only, as on the platform.
      const rows = this.#host.getBulk(names, type, optionalInteger(cacheTtl));
      const map = new Map();
      for (let i = 0; i < names.length; i++) {
        const row = rows[i];
        if (row === null) {
          map.set(names[i], null);
        } else {
          const value = convertBulk(row[0], type);
          map.set(names[i], withMetadata ? { value, metadata: parseMetadata(row[1]) } : value);
        }
      }
      return map;
    }

    async put(key, value, options) {
      const name = `${key}`;
      // A string goes to the host at once (no await): the write is made when put() is called.
      const body = typeof value === "string" ? value : await valueForHost(value);
      const metadata = options?.metadata;
      this.#host.put(
        name,
        body,
        optionalInteger(options?.expiration),
        optionalInteger(options?.expirationTtl),
        metadata === undefined || metadata === null ? undefined : JSON.stringify(metadata)
      );
    }

    async delete(key) {
      this.#host.delete(`${key}`);
    }

    async list(options) {
      const prefix = options?.prefix ?? undefined;
      const limit = optionalInteger(options?.limit);
      const cursor = options?.cursor ?? undefined;
      const page = this.#host.list(
        prefix === undefined ? undefined : `${prefix}`,
        // workerd sends the limit only when it is positive; otherwise the default applies.
        limit === undefined || limit <= 0 ? undefined : limit,
        cursor === undefined ? undefined : `${cursor}`
      );
      const keys = page.keys.map((entry) => {
        const key = { name: entry.name };
        if (entry.expiration !== undefined) key.expiration = entry.expiration;
        if (entry.metadata !== undefined) key.metadata = JSON.parse(entry.metadata);
        return key;
      });
      const result = { keys, list_complete: page.list_complete };
      if (!page.list_complete) result.cursor = page.cursor;
      result.cacheStatus = null;
      return result;
    }
  }

  Object.defineProperty(KvNamespace.prototype, Symbol.toStringTag, { value: "KvNamespace" });
  return (host) => new KvNamespace(host);
})() });
