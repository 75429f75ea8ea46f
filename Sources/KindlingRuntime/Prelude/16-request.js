// Kindling prelude: Request (Fetch Standard §6.3), with workerd's behaviour and wording where they
// differ: URLs must be absolute ("Invalid URL: …", there is no base URL in a worker); methods are
// the ones workerd knows, upper-cased; redirect is "follow" or "manual"; `cf` is kept as a
// structured clone; a GET/HEAD request may not get a body; building a Request from another takes
// over its body unless init gives a new one. Not modelled (workerd does not either): mode,
// credentials, referrer, referrerPolicy, keepalive, duplex (accepted and ignored).
//
// Internal API for the host:
//   internal.newRequest(method, url, headers, body, cf, immutableHeaders)
//       trusted constructor, no validation: method upper-case, url serialized absolute, headers a
//       flat array or "\0"-joined string (see 14-headers.js), body null | string | Uint8Array (adopted,
//       not copied), cf an object or undefined
//   internal.requestParts(request) → [method, url, headersJoined, bodyBytes]
//       bodyBytes: null | Uint8Array | Promise<Uint8Array> (consumes the body)
//   internal.requestSignal(request) → the AbortSignal given in init (or taken from another Request), or null
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const { Body, BODY_TOKEN, extractBody } = internal;

  // kj::HttpMethod, the methods workerd accepts (M-SEARCH included).
  const METHODS = new Set([
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "PURGE", "OPTIONS", "TRACE", "COPY", "LOCK", "MKCOL",
    "MOVE", "PROPFIND", "PROPPATCH", "SEARCH", "UNLOCK", "ACL", "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE",
    "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "QUERY",
  ]);
  const REDIRECT_MESSAGE =
    'Invalid redirect value, must be one of "follow" or "manual" ("error" won\'t be implemented since it does not ' +
    'make sense at the edge; use "manual" and check the response status code).';

  function normalizeMethod(value) {
    const method = `${value}`;
    if (METHODS.has(method)) return method;
    const upper = method.toUpperCase();
    if (METHODS.has(upper)) return upper;
    throw new TypeError(`Invalid HTTP method string: ${method}`);
  }

  function parseRedirect(value) {
    const redirect = `${value}`.toLowerCase();
    if (redirect === "follow" || redirect === "manual") return redirect;
    throw new TypeError(REDIRECT_MESSAGE);
  }

  function parseCache(value) {
    const cache = `${value}`;
    if (cache === "no-store" || cache === "no-cache" || cache === "reload") return cache;
    throw new TypeError(`Unsupported cache mode: ${cache}`);
  }

  function cloneCf(cf) {
    if (cf === undefined || cf === null) return undefined;
    if (typeof cf !== "object") throw new TypeError("Failed to construct 'Request': cf must be an object.");
    return internal.structuredClone(cf);
  }

  const NEW_TRUSTED = Object.freeze({});

  class Request extends Body {
    #method;
    #url;
    #headers;
    #redirect = "follow";
    #cache = undefined;
    #cf = undefined;
    #signal = null;
    #fetcher = null;

    constructor(input, init = undefined) {
      if (input === NEW_TRUSTED) {
        const headers = internal.newHeaders(init.headers, init.immutable ? "immutable" : "none");
        super(BODY_TOKEN, init.body, headers);
        this.#method = init.method;
        this.#url = init.url;
        this.#headers = headers;
        this.#cf = init.cf;
        return;
      }
      if (arguments.length < 1) internal.argCount(0, 1, "Failed to construct 'Request'");
      if (init !== undefined && init !== null && typeof init !== "object" && typeof init !== "function") {
        throw new TypeError("Failed to construct 'Request': The provided value is not of type 'RequestInit'.");
      }
      if (init === null) init = undefined;

      let url;
      let method = "GET";
      let headers = null;
      let source = null;
      let contentType = null;
      let redirect = "follow";
      let cache;
      let cf;
      let signal = null;
      let fetcher = null;
      const other = internal.isRequest(input) ? input : null;
      // Dictionary members in Web IDL order: body, cache, cf, headers, integrity, method, redirect, signal.
      const initBody = init === undefined ? undefined : init.body;
      if (other !== null) {
        const parts = other.#parts();
        url = parts.url;
        method = parts.method;
        headers = new Headers(parts.headers);
        redirect = parts.redirect;
        cache = parts.cache;
        cf = cloneCf(parts.cf);
        signal = parts.signal;
        fetcher = parts.fetcher;
        if (initBody === undefined) {
          if (other.bodyUsed) throw new TypeError("Cannot reconstruct a Request with a used body.");
          source = internal.takeBodySource(other);
        }
      } else {
        const text = internal.toUSV(input);
        const record = internal.parseURL(text);
        if (record === null) throw new TypeError(`Invalid URL: ${text}`);
        url = internal.serializeURL(record);
      }

      if (init !== undefined) {
        const initCache = init.cache;
        const initCf = init.cf;
        const initHeaders = init.headers;
        const integrity = init.integrity;
        const initMethod = init.method;
        const initRedirect = init.redirect;
        if ("signal" in init) signal = init.signal ?? null;
        if (initCache !== undefined) cache = parseCache(initCache);
        if (initCf !== undefined) cf = cloneCf(initCf);
        if (initHeaders !== undefined) headers = new Headers(initHeaders);
        if (integrity !== undefined && `${integrity}` !== "") {
          throw new TypeError(
            "Subrequest integrity checking is not implemented. The integrity option must be either undefined or an empty string.",
          );
        }
        if (initMethod !== undefined) method = normalizeMethod(initMethod);
        if (initRedirect !== undefined) redirect = parseRedirect(initRedirect);
        if (initBody !== undefined && initBody !== null) {
          [source, contentType] = extractBody(initBody);
        } else if (initBody === null) {
          source = null;
        }
        // Only when the method or the body changed: a GET with a body passed through unchanged
        // from another Request (a proxied request) is allowed, as in workerd.
        const changed = initMethod !== undefined || initBody !== undefined;
        if (changed && source !== null && (method === "GET" || method === "HEAD")) {
          throw new TypeError("Request with a GET or HEAD method cannot have a body.");
        }
      }
      if (headers === null) headers = new Headers();
      if (contentType !== null && !internal.headersHas(headers, "content-type")) {
        internal.headersAppendTrusted(headers, "content-type", contentType);
      }
      super(BODY_TOKEN, source, headers);
      this.#method = method;
      this.#url = url;
      this.#headers = headers;
      this.#redirect = redirect;
      this.#cache = cache;
      this.#cf = cf;
      this.#signal = signal;
      this.#fetcher = fetcher;
    }

    #parts() {
      return {
        url: this.#url, method: this.#method, headers: this.#headers, redirect: this.#redirect, cache: this.#cache,
        cf: this.#cf, signal: this.#signal, fetcher: this.#fetcher,
      };
    }

    static #check(obj) {
      if (obj === null || typeof obj !== "object" || !(#method in obj)) throw new TypeError("Illegal invocation");
      return obj;
    }

    static {
      internal.isRequest = (v) => v !== null && typeof v === "object" && #method in v;
      internal.newRequest = (method, url, headers, body, cf, immutable = true) =>
        new Request(NEW_TRUSTED, { method, url, headers, body: body ?? null, cf, immutable });
      internal.requestParts = (r) => [r.#method, r.#url, internal.headersJoined(r.#headers), internal.bodyBytes(r)];
      // The signal as given (null when none): the getter would make a never-aborting one.
      internal.requestSignal = (r) => r.#signal;
    }

    get method() {
      return Request.#check(this).#method;
    }
    get url() {
      return Request.#check(this).#url;
    }
    get headers() {
      return Request.#check(this).#headers;
    }
    get redirect() {
      return Request.#check(this).#redirect;
    }
    get fetcher() {
      return Request.#check(this).#fetcher;
    }
    get signal() {
      const self = Request.#check(this);
      // workerd hands out a signal that never aborts when none was given.
      if (self.#signal === null && typeof AbortController === "function") self.#signal = new AbortController().signal;
      return self.#signal;
    }
    get cf() {
      return Request.#check(this).#cf;
    }
    get integrity() {
      Request.#check(this);
      return "";
    }
    get keepalive() {
      Request.#check(this);
      return false;
    }
    get cache() {
      return Request.#check(this).#cache;
    }

    clone() {
      const self = Request.#check(this);
      const source = internal.cloneBodySource(self);
      const out = new Request(NEW_TRUSTED, {
        method: self.#method, url: self.#url, headers: internal.headersFlat(self.#headers).slice(), body: source,
        cf: self.#cf === undefined ? undefined : internal.structuredClone(self.#cf), immutable: false,
      });
      out.#redirect = self.#redirect;
      out.#cache = self.#cache;
      out.#signal = self.#signal;
      out.#fetcher = self.#fetcher;
      internal.setHeadersGuard(out.#headers, internal.headersGuard(self.#headers));
      return out;
    }
  }
  internal.exposeMembers(Request.prototype);
  internal.brand(Request, "Request");
  internal.registerUncloneable(internal.isRequest);
  internal.defineGlobal("Request", Request);
})();
