// Kindling prelude: the global fetch() (Fetch Standard §5.6 "fetch method"), as workerd's fetchImpl
// does it, and the request loop it shares with service bindings (KindlingBindings' fetcher.js).
//
// - A Request is built first (new Request(input, init)), so its errors and taking over input's body
//   happen before anything is sent, and the promise rejects rather than fetch() throwing.
// - fetch() sends only http: and https: URLs; anything else rejects with workerd's
//   "Fetch API cannot load: <url>" TypeError. Neither the server nor the Response sees the fragment.
// - Redirects are followed here, not by the HTTP client below, so a binding and the network behave
//   alike: at most 20; 301/302 turn a POST into a body-less GET and 303 turns anything but HEAD into
//   one; Authorization does not follow a redirect to another origin; "manual" returns the 3xx as it
//   came (Location and all). The Response's url is the last URL and `redirected` says whether there
//   were several. (redirect: "error" never gets here: Request refuses it, with workerd's wording.)
// - An AbortSignal rejects the fetch with its reason when it is aborted before the request or while
//   the exchange is in flight, and cancels the exchange in Swift. Aborted once the response is out,
//   it errors the body with its reason unless the body was read already; a body still arriving stops
//   (its stream is cancelled, which closes the connection).
// - HEAD and null-body statuses (101, 103, 204, 205, 304) give a null body; headers are immutable.
//
// Internal API:
//   internal.outbound = { fetch(method, url, headers, body, id) → Promise<answer>, cancel(id) }
//       set by Swift when the isolate has an OutboundFetcher (ScriptContext+Outbound.swift)
//   internal.fetchVia(host, input, init, network) → Promise<Response>
//       host.fetch(method, url, [[name, value]] | null (no headers), body | undefined, id)
//           → Promise<[status, statusText, headers, normalized, body: Uint8Array | ReadableStream]>
//           request body as internal.hostBody gives it: a string, bytes or a stream handle; the answer is
//           an array (cheaper to make from Swift than an object); its headers are [[name, value]] pairs,
//           checked here, or — `normalized` true, when they come from another worker's Headers — a
//           "\0"-joined flat list taken as it is; the answer comes with the response head, a body still
//           arriving being a host-fed byte stream (host.incomingBody)
//       host.cancel(id), optional: stop exchange `id` (its promise has been rejected already)
//       network: true for the global fetch (http/https only), false for a service binding (any URL)
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const WeakRef = globalThis.WeakRef;

  // Statuses whose responses have no body (Fetch standard; workerd's isNullBodyStatusCode).
  const NULL_BODY = new Set([101, 103, 204, 205, 304]);
  const REDIRECT = new Set([301, 302, 303, 307, 308]);
  // Fetch standard §4.4 (workerd's MAX_REDIRECT_COUNT).
  const MAX_REDIRECTS = 20;
  const NO_NETWORK = "fetch() is not available in this isolate: it was made without an outbound fetcher.";
  let nextExchange = 1;
  // The members of a host's answer (WorkerRequest+Fetch.swift's fetchAnswer).
  const STATUS = 0, STATUS_TEXT = 1, HEADERS = 2, NORMALIZED = 3, BODY = 4;

  function withoutFragment(url) {
    const hash = url.indexOf("#");
    return hash === -1 ? url : url.slice(0, hash);
  }

  function isHTTP(url) {
    return url.startsWith("http:") || url.startsWith("https:");
  }

  // The answer's headers as a Headers object: another worker's are normalized already; those from a
  // Swift closure or the network are checked (and lower-cased) by the Headers constructor.
  function answerHeaders(answer) {
    return answer[NORMALIZED] === true ? internal.newHeaders(answer[HEADERS]) : new Headers(answer[HEADERS]);
  }

  function makeResponse(answer, headers, method, urlList) {
    const body = answer[BODY];
    const hasBody = method !== "HEAD" && !NULL_BODY.has(answer[STATUS]);
    if (!hasBody && internal.isBodyStream(body)) body.cancel();
    return internal.newResponse(
      answer[STATUS],
      answer[STATUS_TEXT],
      internal.headersFlat(headers), // adopted: `headers` goes no further
      hasBody ? body : null,
      true, // immutable headers, as on a fetched response
      urlList,
    );
  }

  // Serialized absolute URLs by input string, for the common fetch(url) of the same few URLs: parsing is a
  // pure function of the string, and a service call would otherwise spend much of its JS time in the parser.
  const parsedURLs = new Map();
  function serializedURL(input) {
    let href = parsedURLs.get(input);
    if (href !== undefined) return href;
    const record = internal.parseURL(input);
    if (record === null) return null;
    href = internal.serializeURL(record);
    if (parsedURLs.size >= 64) parsedURLs.clear();
    parsedURLs.set(input, href);
    return href;
  }

  // One exchange through `host`, rejected with the signal's reason (and cancelled) if it aborts before the
  // response comes.
  function exchange(host, signal, method, url, headers, body) {
    const id = nextExchange++;
    // No headers cross as null: an empty array would still cost the host a handful of calls to read.
    const answer = host.fetch(method, url, headers.length === 0 ? null : headers, body, id);
    if (signal === null) return answer;
    return new Promise((resolve, reject) => {
      // An internal abort step (1b-abort.js), so it runs before the signal's event listeners and unseen by them.
      const remove = internal.addAbortAlgorithm(signal, () => {
        if (typeof host.cancel === "function") host.cancel(id);
        reject(signal.reason);
      });
      answer.then(
        (value) => { remove(); resolve(value); },
        (error) => { remove(); reject(error); },
      );
    });
  }

  // Fetch §4.1 "abort fetch" once the response is out: its body errors with the signal's reason unless it was
  // read already, and a body still arriving stops (closing the connection). Both are held weakly, so a long-lived
  // signal keeps neither a dropped response nor its connection alive.
  function abortBodyWith(signal, response) {
    const target = new WeakRef(response);
    const source = internal.bodySource(response);
    const stream = internal.isBodyStream(source) ? new WeakRef(source) : null;
    internal.addAbortAlgorithm(signal, () => {
      const alive = target.deref();
      if (alive !== undefined) {
        internal.errorBody(alive, signal.reason);
        return;
      }
      const body = stream?.deref();
      if (body !== undefined) internal.abortByteStream(body, signal.reason);
    });
  }

  async function fetchVia(host, input, init, network) {
    let method = "GET";
    let headers = [];
    let body;
    let redirect = "follow";
    let signal = null;
    let requestURL;
    if (typeof input === "string" && init === undefined) {
      // fetch(url): what `new Request(url)` would give — a GET without headers, body or signal — without
      // making one (a USVString holds no lone surrogates; toUSV takes care of them).
      requestURL = serializedURL(input.isWellFormed() ? input : internal.toUSV(input));
      if (requestURL === null) throw new TypeError(`Invalid URL: ${internal.toUSV(input)}`);
    } else {
      const request = new Request(input, init);
      // Only a real AbortSignal can abort (workerd refuses anything else in RequestInit).
      const given = internal.requestSignal(request);
      signal = given !== null && internal.isAbortSignal(given) ? given : null;
      if (signal !== null && signal.aborted) throw signal.reason;
      requestURL = request.url;
      method = request.method;
      headers = [...request.headers];
      const length = internal.declaredLength(request);
      if (length !== undefined && !internal.headersHas(request.headers, "content-length")) {
        headers.push(["content-length", String(length)]);
      }
      redirect = request.redirect;
      // Bytes cross as they are; a stream as a handle the other side reads chunk by chunk (21-workers.js).
      body = internal.hostBody(request) ?? undefined;
    }
    if (network && !isHTTP(requestURL)) throw new TypeError(`Fetch API cannot load: ${requestURL}`);
    // As in workerd, neither the callee nor the Response sees the URL's fragment.
    const urlList = [withoutFragment(requestURL)];
    for (;;) {
      if (signal !== null && signal.aborted) throw signal.reason;
      const url = urlList[urlList.length - 1];
      const answer = await exchange(host, signal, method, url, headers, body);
      const answered = answerHeaders(answer);
      const status = answer[STATUS];
      const location = REDIRECT.has(status) && redirect === "follow"
        ? internal.headersGet(answered, "location")
        : null;
      if (location === null) {
        const response = makeResponse(answer, answered, method, urlList);
        if (signal !== null && internal.bodySource(response) !== null) abortBodyWith(signal, response);
        return response;
      }
      if (internal.isBodyStream(answer[BODY])) answer[BODY].cancel();
      let next;
      try {
        next = new URL(location, url);
      } catch {
        throw new TypeError("Invalid Location header; unable to follow redirect.");
      }
      if (urlList.length - 1 >= MAX_REDIRECTS) throw new TypeError("Too many redirects.");
      if (network && !isHTTP(next.href)) throw new TypeError(`Fetch API cannot load: ${next.href}`);
      // The Authorization header does not follow a redirect to another origin.
      if (next.origin !== new URL(url).origin) headers = headers.filter(([name]) => name !== "authorization");
      urlList.push(withoutFragment(next.href));
      if (((status === 301 || status === 302) && method === "POST") || (status === 303 && method !== "HEAD")) {
        method = "GET";
        body = undefined;
      } else if (body !== undefined && typeof body === "object" && !(body instanceof Uint8Array)) {
        // A stream was sent once and cannot be sent again (Fetch: a body whose source is null).
        throw new TypeError("A request with a streamed body cannot follow a redirect that resends the body.");
      }
    }
  }
  internal.fetchVia = fetchVia;

  const refused = { fetch: () => Promise.reject(new TypeError(NO_NETWORK)) };

  // A function, not a method: `fetch` works unbound (`const f = fetch; f(url)`), as on the platform.
  function fetch(input, init = undefined) {
    try {
      internal.argCount(arguments.length, 1, "Failed to execute 'fetch' on 'ServiceWorkerGlobalScope'");
    } catch (error) {
      return Promise.reject(error);
    }
    return fetchVia(internal.outbound ?? refused, input, init, true);
  }
  internal.defineGlobal("fetch", fetch);
})();
