// A service binding as Workers code sees it (env.INCREMENTER): a Fetcher whose fetch() sends a
// full Request to another worker, or to a Swift closure, through the host function the
// dispatcher provides (ServiceBindingArgument.swift), and turns the answer into a Response.
Object.defineProperty(globalThis, "__kindlingMakeFetcher", { value: (() => {
  // Statuses whose responses cannot carry a body (the Response constructor refuses one).
  const NULL_BODY = new Set([101, 103, 204, 205, 304]);

  class Fetcher {
    #host;

    constructor(host) {
      this.#host = host;
    }

    async fetch(input, init) {
      const request = new Request(input, init);
      const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
      const answer = await this.#host.fetch(request.method, request.url, [...request.headers], body);
      const responseBody = NULL_BODY.has(answer.status) ? null : answer.body;
      return new Response(responseBody, {
        status: answer.status,
        statusText: answer.statusText,
        headers: answer.headers,
      });
    }

    connect() {
      throw new Error("connect() on a service binding is not supported by Kindling yet.");
    }
  }

  Object.defineProperty(Fetcher.prototype, Symbol.toStringTag, { value: "Fetcher" });
  return (host) => new Fetcher(host);
})() });
