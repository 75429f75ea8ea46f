// Kindling prelude: Response (Fetch Standard §6.4), with workerd's behaviour and wording where
// they differ: statusText defaults to the status's reason phrase ("OK", "Not Found", …); status
// must be 200–599 (101 only with a webSocket); a null-body status (101, 204, 205, 304) accepts a
// zero-length body and treats it as null; statusText may not contain control characters;
// Response.redirect takes an absolute URL and gives immutable headers; Response.error() has
// status 0 and type "error"; `cf`, `webSocket` and `encodeBody` are accepted.
//
// Internal API for the host:
//   internal.newResponse(status, statusText, headers, body, immutableHeaders, urlList)
//       trusted constructor, no validation: headers as for internal.newHeaders, body null | string |
//       Uint8Array (adopted), statusText null for the default, urlList an array of strings or undefined
//   internal.responseParts(response) → [status, statusText, headersJoined, bodyBytes]
//       bodyBytes: null | Uint8Array | Promise<Uint8Array> (consumes the body); one call, one array
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const { Body, BODY_TOKEN, extractBody } = internal;

  // workerd's defaultStatusText (RFC 7231 reason phrases), then the class name for other codes.
  const REASONS = {
    100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints", 200: "OK", 201: "Created",
    202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content",
    206: "Partial Content", 207: "Multi-Status", 208: "Already Reported", 226: "IM Used", 300: "Multiple Choices",
    301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 305: "Use Proxy",
    307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
    402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
    411: "Length Required", 412: "Precondition Failed", 413: "Payload Too Large", 414: "URI Too Long",
    415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed", 418: "I'm a teapot",
    421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked", 424: "Failed Dependency",
    426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
    431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons", 500: "Internal Server Error",
    501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    505: "HTTP Version Not Supported", 506: "Variant Also Negotiates", 507: "Insufficient Storage",
    508: "Loop Detected", 510: "Not Extended", 511: "Network Authentication Required",
  };
  function defaultStatusText(status) {
    const reason = REASONS[status];
    if (reason !== undefined) return reason;
    if (status >= 200 && status < 300) return "Successful";
    if (status >= 300 && status < 400) return "Redirection";
    if (status >= 400 && status < 500) return "Client Error";
    if (status >= 500 && status < 600) return "Server Error";
    return "";
  }
  internal.defaultStatusText = defaultStatusText;

  const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);
  const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
  const NULL_BODY_MESSAGE = "Response with null body status (101, 204, 205, or 304) cannot have a body.";

  // Web IDL "unsigned short": ToNumber, truncate, modulo 2^16.
  function toUnsignedShort(value) {
    const n = Math.trunc(Number(value));
    return Number.isFinite(n) ? ((n % 65536) + 65536) % 65536 : 0;
  }
  // Web IDL ByteString.
  function toByteString(value, what) {
    const s = `${value}`;
    if (/[^\x00-\xff]/.test(s)) {
      throw new TypeError(`Failed to construct 'Response': ${what} is not a valid ByteString.`);
    }
    return s;
  }

  const NEW_TRUSTED = Object.freeze({});

  class Response extends Body {
    #status = 200;
    #statusText = null; // null: the default for the status
    #headers;
    #type = "default";
    #urlList = [];
    #cf = undefined;
    #webSocket = null;
    #encodeBody = "automatic";

    constructor(body = null, init = undefined) {
      if (body === NEW_TRUSTED) {
        const headers = internal.newHeaders(init.headers, init.immutable ? "immutable" : "none");
        super(BODY_TOKEN, init.body, headers);
        this.#headers = headers;
        this.#status = init.status;
        this.#statusText = init.statusText;
        if (init.urlList !== undefined) this.#urlList = init.urlList;
        if (init.type !== undefined) this.#type = init.type;
        return;
      }
      if (init !== undefined && init !== null && typeof init !== "object" && typeof init !== "function") {
        throw new TypeError("Failed to construct 'Response': The provided value is not of type 'ResponseInit'.");
      }
      let status = 200;
      let statusText = null;
      let headers = null;
      let cf;
      let webSocket = null;
      let encodeBody = "automatic";
      const other = internal.isResponse(init) ? init : null;
      if (other !== null) {
        // workerd copies another Response's members directly (and so keeps its statusText only
        // when it differs from the default).
        status = other.#status;
        statusText = other.#statusText;
        headers = new Headers(other.#headers);
        cf = other.#cf === undefined ? undefined : internal.structuredClone(other.#cf);
        webSocket = other.#webSocket;
        encodeBody = other.#encodeBody;
      } else if (init !== undefined && init !== null) {
        // Dictionary members in Web IDL order: cf, encodeBody, headers, status, statusText, webSocket.
        const initCf = init.cf;
        const initEncodeBody = init.encodeBody;
        const initHeaders = init.headers;
        const initStatus = init.status;
        const initStatusText = init.statusText;
        const initWebSocket = init.webSocket;
        if (initCf !== undefined && initCf !== null) {
          if (typeof initCf !== "object") throw new TypeError("Failed to construct 'Response': cf must be an object.");
          cf = internal.structuredClone(initCf);
        }
        if (initEncodeBody !== undefined) {
          encodeBody = `${initEncodeBody}`;
          if (encodeBody !== "manual" && encodeBody !== "automatic") {
            throw new TypeError(`encodeBody: unexpected value: ${encodeBody}`);
          }
        }
        if (initHeaders !== undefined) headers = new Headers(initHeaders);
        if (initStatus !== undefined) status = toUnsignedShort(initStatus);
        if (initStatusText !== undefined) statusText = toByteString(initStatusText, "statusText");
        if (initWebSocket !== undefined && initWebSocket !== null) webSocket = initWebSocket;
      }
      if (webSocket === null) {
        if (status < 200 || status > 599) {
          throw new RangeError("Responses may only be constructed with status codes in the range 200 to 599, inclusive.");
        }
      } else if (status !== 101) {
        throw new RangeError("Responses with a WebSocket must have status code 101.");
      }
      if (statusText !== null && /[\x00-\x1f]/.test(statusText)) throw new TypeError("Invalid statusText");
      if (headers === null) headers = new Headers();

      let source = null;
      if (body !== null && body !== undefined) {
        let contentType;
        [source, contentType] = extractBody(body);
        if (NULL_BODY_STATUS.has(status)) {
          // workerd lets a zero-length buffer through as "no body"; anything else is an error.
          const empty = (typeof source === "string" || source instanceof Uint8Array) && source.length === 0;
          if (!empty) {
            throw new TypeError(NULL_BODY_MESSAGE);
          }
          source = null;
        } else if (contentType !== null && !internal.headersHas(headers, "content-type")) {
          internal.headersAppendTrusted(headers, "content-type", contentType);
        }
      }
      super(BODY_TOKEN, source, headers);
      this.#headers = headers;
      this.#status = status;
      this.#statusText = statusText;
      this.#cf = cf;
      this.#webSocket = webSocket;
      this.#encodeBody = encodeBody;
    }

    static #check(obj) {
      if (obj === null || typeof obj !== "object" || !(#status in obj)) throw new TypeError("Illegal invocation");
      return obj;
    }

    static {
      internal.isResponse = (v) => v !== null && typeof v === "object" && #status in v;
      internal.newResponse = (status, statusText, headers, body, immutable = false, urlList = undefined) =>
        new Response(NEW_TRUSTED, {
          status, statusText: statusText ?? null, headers, body: body ?? null, immutable, urlList,
        });
      internal.responseParts = (r) => [
        r.#status,
        r.#statusText ?? defaultStatusText(r.#status),
        internal.headersJoined(r.#headers),
        internal.bodyBytes(r),
      ];
      internal.responseWebSocket = (r) => r.#webSocket;
    }

    static error() {
      return new Response(NEW_TRUSTED, { status: 0, statusText: null, headers: [], body: null, type: "error" });
    }

    static redirect(url, status = 302) {
      if (arguments.length < 1) internal.argCount(0, 1, "Failed to execute 'redirect' on 'Response'");
      const code = toUnsignedShort(status);
      if (!REDIRECT_STATUS.has(code)) {
        throw new RangeError(`${code} is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.`);
      }
      const text = internal.toUSV(url);
      const record = internal.parseURL(text);
      if (record === null) throw new TypeError(`Unable to parse URL: ${text}`);
      const location = internal.serializeURL(record);
      return new Response(NEW_TRUSTED, {
        status: code, statusText: null, headers: ["location", location], body: null, immutable: true,
      });
    }

    static json(data = undefined, init = undefined) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError("Failed to execute 'json' on 'Response': The data is not JSON serializable.");
      let dict;
      if (internal.isResponse(init)) {
        dict = {
          cf: init.#cf, encodeBody: init.#encodeBody, headers: new Headers(init.#headers), status: init.#status,
          statusText: init.#statusText ?? undefined, webSocket: init.#webSocket ?? undefined,
        };
      } else if (init !== undefined && init !== null && (typeof init === "object" || typeof init === "function")) {
        const initHeaders = init.headers;
        dict = {
          cf: init.cf, encodeBody: init.encodeBody, headers: new Headers(initHeaders), status: init.status,
          statusText: init.statusText, webSocket: init.webSocket,
        };
      } else if (init !== undefined && init !== null) {
        throw new TypeError("Failed to execute 'json' on 'Response': The provided value is not of type 'ResponseInit'.");
      } else {
        dict = { headers: new Headers() };
      }
      if (!internal.headersHas(dict.headers, "content-type")) {
        internal.headersAppendTrusted(dict.headers, "content-type", "application/json");
      }
      return new Response(text, dict);
    }

    get type() {
      return Response.#check(this).#type;
    }
    get url() {
      const list = Response.#check(this).#urlList;
      return list.length === 0 ? "" : list[list.length - 1];
    }
    get redirected() {
      return Response.#check(this).#urlList.length > 1;
    }
    get status() {
      return Response.#check(this).#status;
    }
    get ok() {
      const status = Response.#check(this).#status;
      return status >= 200 && status <= 299;
    }
    get statusText() {
      const self = Response.#check(this);
      return self.#statusText ?? defaultStatusText(self.#status);
    }
    get headers() {
      return Response.#check(this).#headers;
    }
    get webSocket() {
      return Response.#check(this).#webSocket;
    }
    get cf() {
      return Response.#check(this).#cf;
    }

    clone() {
      const self = Response.#check(this);
      if (self.#webSocket !== null) throw new TypeError("Cannot clone a response to a WebSocket handshake.");
      const source = internal.cloneBodySource(self);
      const out = new Response(NEW_TRUSTED, {
        status: self.#status, statusText: self.#statusText, headers: internal.headersFlat(self.#headers).slice(),
        body: source, immutable: internal.headersGuard(self.#headers) === "immutable", urlList: self.#urlList.slice(),
        type: self.#type,
      });
      out.#cf = self.#cf === undefined ? undefined : internal.structuredClone(self.#cf);
      out.#encodeBody = self.#encodeBody;
      return out;
    }
  }
  internal.exposeMembers(Response.prototype);
  internal.brand(Response, "Response");
  internal.registerUncloneable(internal.isResponse);
  internal.defineGlobal("Response", Response);
})();
