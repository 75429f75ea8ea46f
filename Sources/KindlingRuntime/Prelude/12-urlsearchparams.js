// Kindling prelude: URLSearchParams (URL Standard §6) and the application/x-www-form-urlencoded
// parser and serialiser. Linked to URL objects through internal.newSearchParams and
// internal.setSearchParamsList; exposes internal.formURLEncode(list) and internal.formURLDecode(s).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const toUSV = internal.toUSV;

  function decodeComponent(s) {
    if (s.includes("+")) s = s.replace(/\+/g, " ");
    return s.includes("%") ? internal.percentDecodeToString(s) : s;
  }

  // application/x-www-form-urlencoded parser → list of [name, value].
  function formURLDecode(input) {
    const list = [];
    if (input === "") return list;
    for (const sequence of input.split("&")) {
      if (sequence === "") continue;
      const eq = sequence.indexOf("=");
      const name = eq >= 0 ? sequence.slice(0, eq) : sequence;
      const value = eq >= 0 ? sequence.slice(eq + 1) : "";
      list.push([decodeComponent(name), decodeComponent(value)]);
    }
    return list;
  }

  function formURLEncode(list) {
    let out = "";
    for (let i = 0; i < list.length; i++) {
      if (i > 0) out += "&";
      out += internal.percentEncode(list[i][0], internal.FORM_SET, true) + "=" +
        internal.percentEncode(list[i][1], internal.FORM_SET, true);
    }
    return out;
  }
  internal.formURLDecode = formURLDecode;
  internal.formURLEncode = formURLEncode;

  const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  const NEW_LINKED = Object.freeze({});

  class URLSearchParams {
    #list = [];
    #url = null;

    constructor(init = "", linkedURL = undefined) {
      if (init === NEW_LINKED) {
        this.#url = linkedURL.url;
        this.#list = formURLDecode(linkedURL.query);
        return;
      }
      if (init !== null && (typeof init === "object" || typeof init === "function")) {
        const iteratorMethod = init[Symbol.iterator];
        if (iteratorMethod !== undefined && iteratorMethod !== null) {
          if (typeof iteratorMethod !== "function") {
            throw new TypeError("Failed to construct 'URLSearchParams': The provided value is not iterable.");
          }
          for (const pair of init) {
            if (pair === null || (typeof pair !== "object" && typeof pair !== "function") ||
                typeof pair[Symbol.iterator] !== "function") {
              throw new TypeError("Failed to construct 'URLSearchParams': The provided value cannot be converted to a sequence.");
            }
            const items = Array.from(pair);
            if (items.length !== 2) {
              throw new TypeError("Failed to construct 'URLSearchParams': Sequence initializer must only contain pair elements");
            }
            this.#list.push([toUSV(items[0]), toUSV(items[1])]);
          }
        } else {
          for (const key of Reflect.ownKeys(init)) {
            const desc = Reflect.getOwnPropertyDescriptor(init, key);
            if (desc === undefined || !desc.enumerable) continue;
            if (typeof key === "symbol") {
              throw new TypeError("Failed to construct 'URLSearchParams': Cannot convert a Symbol value to a string");
            }
            const name = toUSV(key);
            const value = toUSV(init[key]);
            // A record keeps one entry per key; a repeated USV-converted key overwrites.
            const existing = this.#list.findIndex((e) => e[0] === name);
            if (existing >= 0) this.#list[existing][1] = value;
            else this.#list.push([name, value]);
          }
        }
      } else {
        let s = toUSV(init);
        if (s[0] === "?") s = s.slice(1);
        this.#list = formURLDecode(s);
      }
    }

    static {
      internal.newSearchParams = (query, url) => new URLSearchParams(NEW_LINKED, { url, query });
      internal.setSearchParamsList = (params, query) => {
        params.#list = formURLDecode(query);
      };
      internal.searchParamsList = (params) => params.#list;
      internal.isSearchParams = (v) => #list in Object(v);
    }

    static #check(self) {
      if (self === null || (typeof self !== "object" && typeof self !== "function") || !(#list in self)) {
        throw new TypeError("Illegal invocation");
      }
    }
    #update() {
      if (this.#url !== null) internal.updateURLQuery(this.#url, formURLEncode(this.#list));
    }

    get size() {
      URLSearchParams.#check(this);
      return this.#list.length;
    }
    append(name, value) {
      URLSearchParams.#check(this);
      internal.argCount(arguments.length, 2, "Failed to execute 'append' on 'URLSearchParams'");
      this.#list.push([toUSV(name), toUSV(value)]);
      this.#update();
    }
    delete(name, value = undefined) {
      URLSearchParams.#check(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'delete' on 'URLSearchParams'");
      name = toUSV(name);
      if (value === undefined) {
        this.#list = this.#list.filter((e) => e[0] !== name);
      } else {
        value = toUSV(value);
        this.#list = this.#list.filter((e) => e[0] !== name || e[1] !== value);
      }
      this.#update();
    }
    get(name) {
      URLSearchParams.#check(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'get' on 'URLSearchParams'");
      name = toUSV(name);
      for (const e of this.#list) if (e[0] === name) return e[1];
      return null;
    }
    getAll(name) {
      URLSearchParams.#check(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'getAll' on 'URLSearchParams'");
      name = toUSV(name);
      return this.#list.filter((e) => e[0] === name).map((e) => e[1]);
    }
    has(name, value = undefined) {
      URLSearchParams.#check(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'has' on 'URLSearchParams'");
      name = toUSV(name);
      if (value === undefined) return this.#list.some((e) => e[0] === name);
      value = toUSV(value);
      return this.#list.some((e) => e[0] === name && e[1] === value);
    }
    set(name, value) {
      URLSearchParams.#check(this);
      internal.argCount(arguments.length, 2, "Failed to execute 'set' on 'URLSearchParams'");
      name = toUSV(name);
      value = toUSV(value);
      const i = this.#list.findIndex((e) => e[0] === name);
      if (i < 0) {
        this.#list.push([name, value]);
      } else {
        this.#list[i][1] = value;
        this.#list = this.#list.filter((e, j) => j <= i || e[0] !== name);
      }
      this.#update();
    }
    sort() {
      URLSearchParams.#check(this);
      // Array.prototype.sort is stable; < on strings compares UTF-16 code units, as required.
      this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.#update();
    }
    forEach(callback, thisArg = undefined) {
      URLSearchParams.#check(this);
      if (typeof callback !== "function") {
        throw new TypeError("Failed to execute 'forEach' on 'URLSearchParams': parameter 1 is not of type 'Function'.");
      }
      for (let i = 0; i < this.#list.length; i++) {
        const [k, v] = this.#list[i];
        callback.call(thisArg, v, k, this);
      }
    }
    entries() {
      URLSearchParams.#check(this);
      return makeIterator(this, "entries");
    }
    keys() {
      URLSearchParams.#check(this);
      return makeIterator(this, "keys");
    }
    values() {
      URLSearchParams.#check(this);
      return makeIterator(this, "values");
    }
    toString() {
      URLSearchParams.#check(this);
      return formURLEncode(this.#list);
    }
  }

  // Web IDL pair iterator: live over the list, by index.
  const URLSearchParamsIteratorPrototype = Object.create(iteratorPrototype);
  const iteratorState = new WeakMap();
  function makeIterator(params, kind) {
    const it = Object.create(URLSearchParamsIteratorPrototype);
    iteratorState.set(it, { params, kind, index: 0 });
    return it;
  }
  Object.defineProperty(URLSearchParamsIteratorPrototype, "next", {
    value: function next() {
      const state = iteratorState.get(this);
      if (state === undefined) throw new TypeError("Illegal invocation");
      const list = internal.searchParamsList(state.params);
      if (state.index >= list.length) return { value: undefined, done: true };
      const [k, v] = list[state.index++];
      const value = state.kind === "keys" ? k : state.kind === "values" ? v : [k, v];
      return { value, done: false };
    },
    writable: true, enumerable: true, configurable: true,
  });
  Object.defineProperty(URLSearchParamsIteratorPrototype, Symbol.toStringTag, {
    value: "URLSearchParams Iterator", configurable: true,
  });

  internal.exposeMembers(URLSearchParams.prototype);
  Object.defineProperty(URLSearchParams.prototype, Symbol.iterator, {
    value: URLSearchParams.prototype.entries, writable: true, enumerable: false, configurable: true,
  });
  internal.brand(URLSearchParams, "URLSearchParams");
  internal.registerUncloneable(internal.isSearchParams);
  internal.defineGlobal("URLSearchParams", URLSearchParams);
})();
