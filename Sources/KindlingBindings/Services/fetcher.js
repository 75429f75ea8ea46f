// A service binding as Workers code sees it (env.INCREMENTER): a Fetcher whose fetch() sends a
// full Request to another worker, or to a Swift closure, through the host function the
// dispatcher provides (ServiceBindingArgument.swift). The request loop is the runtime's, shared
// with the global fetch() (KindlingRuntime's Prelude/1c-fetch.js, internal.fetchVia): redirects
// are followed through the same binding unless `redirect: "manual"`, an AbortSignal rejects the
// call, the Response's url is the (last) URL asked for, its headers are immutable, and HEAD
// requests and null-body statuses give a null body. Unlike the global fetch(), any URL scheme is
// accepted: the URL only tells the callee what was asked for.
Object.defineProperty(globalThis, "__kindlingMakeFetcher", { value: (() => {
  // The prelude's internal hooks; read on first use, as reading it loads the deferred Web APIs.
  let internal;
  const hooks = () => (internal ??= globalThis[Symbol.for("kindling.internal")]);

  class Fetcher {
    #host;

    constructor(host) {
      this.#host = host;
    }

    fetch(input, init) {
      return hooks().fetchVia(this.#host, input, init, false);
    }

    connect() {
      throw new Error("connect() on a service binding is not supported by Kindling yet.");
    }
  }

  Object.defineProperty(Fetcher.prototype, Symbol.toStringTag, { value: "Fetcher" });
  return (host) => new Fetcher(host);
})() });
