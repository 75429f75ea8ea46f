// A service binding as Workers code sees it (env.INCREMENTER): a Fetcher whose fetch() sends a
// full Request to another worker, or to a Swift closure, through the host function the
// dispatcher provides (ServiceBindingArgument.swift), and turns the answer into a Response the
// way workerd's fetch() does (api/http.c++): redirects are followed through the same binding
// unless `redirect: "manual"`, the Response's url is the (last) URL asked for, its headers are
// immutable, and HEAD requests and null-body statuses give a null body.
Object.defineProperty(globalThis, "__kindlingMakeFetcher", { value: (() => {
  // Statuses whose responses have no body (Fetch standard; workerd's isNullBodyStatusCode).
  const NULL_BODY = new Set([101, 103, 204, 205, 304]);
  const REDIRECT = new Set([301, 302, 303, 307, 308]);
  // Fetch standard §4.4 (workerd's MAX_REDIRECT_COUNT).
  const MAX_REDIRECTS = 20;

  // The prelude's internal hooks (a trusted Response constructor); read on first use, as reading
  // it loads the deferred Web APIs.
  let internal;
  const hooks = () => (internal ??= globalThis[Symbol.for("kindling.internal")]);

  function makeResponse(answer, method, urlList) {
    // Headers from a Swift closure are checked (and lower-cased) by the Headers constructor.
    const headers = new Headers(answer.headers);
    const hasBody = method !== "HEAD" && !NULL_BODY.has(answer.status);
    return hooks().newResponse(
      answer.status,
      answer.statusText,
      hooks().headersFlat(headers).slice(),
      hasBody ? answer.body : null,
      true, // immutable headers, as on a fetched response
      urlList
    );
  }

  class Fetcher {
    #host;

    constructor(host) {
      this.#host = host;
    }

    async fetch(input, init) {
      // workerd constructs a Request first, so its errors (and disturbing input's body) happen here.
      const request = new Request(input, init);
      let method = request.method;
      let headers = [...request.headers];
      let body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
      // As in workerd, neither the callee nor the Response sees the URL's fragment.
      const urlList = [withoutFragment(request.url)];
      for (;;) {
        const url = urlList[urlList.length - 1];
        const answer = await this.#host.fetch(method, url, headers, body);
        const location = REDIRECT.has(answer.status) && request.redirect === "follow"
          ? new Headers(answer.headers).get("location")
          : null;
        if (location === null) return makeResponse(answer, method, urlList);
        let next;
        try {
          next = new URL(location, url);
        } catch {
          throw new TypeError("Invalid Location header; unable to follow redirect.");
        }
        if (urlList.length - 1 >= MAX_REDIRECTS) throw new TypeError("Too many redirects.");
        // The Authorization header does not follow a redirect to another origin.
        if (next.origin !== new URL(url).origin) headers = headers.filter(([name]) => name !== "authorization");
        urlList.push(withoutFragment(next.href));
        if (((answer.status === 301 || answer.status === 302) && method === "POST") ||
            (answer.status === 303 && method !== "HEAD")) {
          method = "GET";
          body = undefined;
        }
      }
    }

    connect() {
      throw new Error("connect() on a service binding is not supported by Kindling yet.");
    }
  }

  function withoutFragment(url) {
    const hash = url.indexOf("#");
    return hash === -1 ? url : url.slice(0, hash);
  }

  Object.defineProperty(Fetcher.prototype, Symbol.toStringTag, { value: "Fetcher" });
  return (host) => new Fetcher(host);
})() });
