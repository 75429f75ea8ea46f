// The KV namespace binding as Workers code sees it (env.COUNTS), over a host object whose
// functions do the storage work in Swift (KVBindingHost.swift). The host functions are
// synchronous and fast (SQLite on this thread); the methods here are async as on the platform,
// so their errors arrive as rejections, never as synchronous throws.
//
// Evaluated once per isolate; defines the (hidden) global factory KVBinding's ScriptArgument
// calls, once per binding, with that binding's host object.
Object.defineProperty(globalThis, "__kindlingMakeKVNamespace", { value: (() => {
  const RESPONSE_TYPES = ["text", "arrayBuffer", "json", "stream"];
  const decoder = new TextDecoder();

  function readType(options) {
    if (options === undefined || options === null) return { type: "text", cacheTtl: undefined };
    if (typeof options === "string") return { type: options, cacheTtl: undefined };
    return { type: options.type ?? "text", cacheTtl: options.cacheTtl };
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

  function parseMetadata(text) {
    return text === null || text === undefined ? null : JSON.parse(text);
  }

  function optionalNumber(value) {
    return value === undefined || value === null ? undefined : Math.trunc(Number(value));
  }

  // What put() accepts, as bytes or text for the host; streams are read to the end first.
  async function valueForHost(value) {
    if (typeof value !== "object" || value === null) {
      return typeof value === "string" ? value : String(value);
    }
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (typeof ReadableStream === "function" && value instanceof ReadableStream) {
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
      const bytes = this.#host.get(String(key), optionalNumber(cacheTtl));
      return bytes === null ? null : convert(bytes, type);
    }

    async getWithMetadata(key, options) {
      const { type, cacheTtl } = readType(options);
      if (Array.isArray(key)) return this.#getBulk(key, type, cacheTtl, true);
      const found = this.#host.getWithMetadata(String(key), optionalNumber(cacheTtl));
      if (found === null) return { value: null, metadata: null, cacheStatus: null };
      return { value: convert(found[0], type), metadata: parseMetadata(found[1]), cacheStatus: null };
    }

    async #getBulk(keys, type, cacheTtl, withMetadata) {
      const names = keys.map(String);
      // Bulk reads come back as text or JSON only, as on the platform.
      const rows = this.#host.getBulk(names, type, optionalNumber(cacheTtl));
      const map = new Map();
      for (let i = 0; i < names.length; i++) {
        const row = rows[i];
        if (row === null) {
          map.set(names[i], null);
        } else {
          const value = convert(row[0], type);
          map.set(names[i], withMetadata ? { value, metadata: parseMetadata(row[1]) } : value);
        }
      }
      return map;
    }

    async put(key, value, options) {
      const name = String(key);
      const body = await valueForHost(value);
      const metadata = options?.metadata;
      this.#host.put(
        name,
        body,
        optionalNumber(options?.expiration),
        optionalNumber(options?.expirationTtl),
        metadata === undefined || metadata === null ? undefined : JSON.stringify(metadata)
      );
    }

    async delete(key) {
      this.#host.delete(String(key));
    }

    async list(options) {
      const prefix = options?.prefix ?? undefined;
      const limit = optionalNumber(options?.limit);
      const cursor = options?.cursor ?? undefined;
      const page = this.#host.list(
        prefix === undefined ? undefined : String(prefix),
        limit === 0 ? undefined : limit,
        cursor === undefined ? undefined : String(cursor)
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
