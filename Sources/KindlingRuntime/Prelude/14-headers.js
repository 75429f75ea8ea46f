// Kindling prelude: Headers (Fetch Standard §5.2), with workerd's behaviour where it differs:
// names are stored lower-cased (they compare case-insensitively and iterate lower-cased anyway);
// iteration is "sort and combine" with set-cookie values kept apart; values may hold any Unicode
// except NUL, CR and LF (workerd sends them as UTF-8 instead of refusing them); the guard is
// checked before the arguments, and the error texts are workerd's. Guards: "none" and
// "immutable" (Workers enforces no forbidden header names, so neither do we).
// Internal API (internal = globalThis[Symbol.for("kindling.internal")]):
//   internal.newHeaders(flat, guard)   trusted constructor, no checks: flat is either an array
//                                      [name, value, name, value, …] (names lower-cased tokens,
//                                      values normalised; the array is adopted, not copied) or the
//                                      same joined into one string with "\0" between items
//   internal.headersFlat(headers)      → the flat array, in header-list order (do not mutate)
//   internal.headersJoined(headers)    → "name\0value\0name\0value" ("" when empty), one string
//                                      for the host to split (values cannot contain NUL)
//   internal.setHeadersGuard(headers, "immutable" | "none"), internal.isHeaders(value)
//   internal.headersGet(headers, lowerName), internal.headersHas(headers, lowerName),
//   internal.headersAppendTrusted(headers, lowerName, value), internal.headersSetTrusted(…)
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];

  const BAD_VALUE = /[\0\r\n]/;
  const IMMUTABLE = "Can't modify immutable headers.";

  // Token characters: 1 = valid, 2 = valid upper-case letter.
  const TOKEN_CHARS = new Uint8Array(128);
  for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") TOKEN_CHARS[ch.charCodeAt(0)] = 1;
  for (let c = 0x41; c <= 0x5a; c++) TOKEN_CHARS[c] = 2;
  function normalizeName(name) {
    name = `${name}`;
    const n = name.length;
    let upper = false;
    for (let i = 0; i < n; i++) {
      const c = name.charCodeAt(i);
      const kind = c < 128 ? TOKEN_CHARS[c] : 0;
      if (kind === 0) throw new TypeError("Invalid header name.");
      if (kind === 2) upper = true;
    }
    if (n === 0) throw new TypeError("Invalid header name.");
    return upper ? name.toLowerCase() : name;
  }
  function normalizeValue(value) {
    value = `${value}`;
    // Strip leading and trailing HTTP whitespace (tab, LF, CR, space).
    const first = value.charCodeAt(0), last = value.charCodeAt(value.length - 1);
    if (first === 0x20 || first === 0x09 || first === 0x0a || first === 0x0d ||
        last === 0x20 || last === 0x09 || last === 0x0a || last === 0x0d) {
      value = value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
    }
    if (BAD_VALUE.test(value)) throw new TypeError(`Invalid header value.`);
    return value;
  }

  const NEW_TRUSTED = Object.freeze({});
  let checkHeaders;

  class Headers {
    // Header list as a flat array: [name0, value0, name1, value1, …].
    #list;
    #guard = "none";
    #sorted = null;

    constructor(init = undefined, guard = undefined) {
      if (init === NEW_TRUSTED) {
        this.#list = guard.flat;
        this.#guard = guard.guard;
        return;
      }
      this.#list = [];
      if (init === undefined) return;
      if (init === null || (typeof init !== "object" && typeof init !== "function")) {
        throw new TypeError("Failed to construct 'Headers': The provided value is not of type '(record<ByteString, ByteString> or sequence<sequence<ByteString>>)'.");
      }
      if (#list in init) {
        this.#list = init.#list.slice();
        return;
      }
      const iteratorMethod = init[Symbol.iterator];
      if (iteratorMethod !== undefined && iteratorMethod !== null) {
        if (typeof iteratorMethod !== "function") throw new TypeError("Failed to construct 'Headers': The provided value is not iterable.");
        for (const pair of init) {
          if (pair === null || typeof pair !== "object" || typeof pair[Symbol.iterator] !== "function") {
            throw new TypeError("Failed to construct 'Headers': The provided value cannot be converted to a sequence.");
          }
          const items = Array.from(pair);
          if (items.length !== 2) {
            throw new TypeError(
              "To initialize a Headers object from a sequence, each inner sequence must have exactly two elements.",
            );
          }
          this.#list.push(normalizeName(items[0]), normalizeValue(items[1]));
        }
      } else {
        // Web IDL record conversion. Object.keys gives the enumerable string keys in the same
        // order, so it is the fast path when no enumerable symbol key needs refusing.
        const symbols = Object.getOwnPropertySymbols(init);
        if (symbols.every((s) => !Object.prototype.propertyIsEnumerable.call(init, s))) {
          for (const key of Object.keys(init)) this.#list.push(normalizeName(key), normalizeValue(init[key]));
          return;
        }
        for (const key of Reflect.ownKeys(init)) {
          const desc = Reflect.getOwnPropertyDescriptor(init, key);
          if (desc === undefined || !desc.enumerable) continue;
          if (typeof key === "symbol") throw new TypeError("Failed to construct 'Headers': Cannot convert a Symbol value to a string");
          this.#list.push(normalizeName(key), normalizeValue(init[key]));
        }
      }
    }

    static {
      internal.newHeaders = (flat, guard = "none") =>
        new Headers(NEW_TRUSTED, {
          flat: typeof flat === "string" ? (flat === "" ? [] : flat.split("\0")) : flat,
          guard,
        });
      internal.headersFlat = (h) => h.#list;
      internal.headersJoined = (h) => h.#list.join("\0");
      internal.headersHas = (h, name) => h.#indexOf(name) >= 0;
      internal.headersGuard = (h) => h.#guard;
      internal.setHeadersGuard = (h, guard) => {
        h.#guard = guard;
      };
      internal.isHeaders = (h) => #list in Object(h);
      checkHeaders = (h) => {
        if (h === null || typeof h !== "object" || !(#list in h)) throw new TypeError("Illegal invocation");
      };
      internal.headersGet = (h, name) => h.#get(name);
      internal.headersAppendTrusted = (h, name, value) => {
        h.#list.push(name, value);
        h.#sorted = null;
      };
      internal.headersSetTrusted = (h, name, value) => h.#set(name, value);
    }

    #mutable() {
      if (this.#guard === "immutable") throw new TypeError(IMMUTABLE);
      this.#sorted = null;
    }
    #indexOf(name) {
      const list = this.#list;
      for (let i = 0; i < list.length; i += 2) if (list[i] === name) return i;
      return -1;
    }
    #get(name) {
      const list = this.#list;
      let result = null;
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === name) result = result === null ? list[i + 1] : result + ", " + list[i + 1];
      }
      return result;
    }

    append(name, value) {
      checkHeaders(this);
      internal.argCount(arguments.length, 2, "Failed to execute 'append' on 'Headers'");
      this.#mutable();
      name = normalizeName(name);
      value = normalizeValue(value);
      this.#list.push(name, value);
    }
    delete(name) {
      checkHeaders(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'delete' on 'Headers'");
      this.#mutable();
      name = normalizeName(name);
      const list = this.#list;
      let o = 0;
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] !== name) {
          list[o++] = list[i];
          list[o++] = list[i + 1];
        }
      }
      list.length = o;
    }
    get(name) {
      checkHeaders(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'get' on 'Headers'");
      return this.#get(normalizeName(name));
    }
    getSetCookie() {
      checkHeaders(this);
      const out = [];
      const list = this.#list;
      for (let i = 0; i < list.length; i += 2) if (list[i] === "set-cookie") out.push(list[i + 1]);
      return out;
    }
    // Workers' legacy spelling of getSetCookie(), accepted for "set-cookie" only.
    getAll(name) {
      checkHeaders(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'getAll' on 'Headers'");
      if (`${name}`.toLowerCase() !== "set-cookie") {
        throw new TypeError('getAll() can only be used with the header name "Set-Cookie".');
      }
      return this.getSetCookie();
    }
    has(name) {
      checkHeaders(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'has' on 'Headers'");
      return this.#indexOf(normalizeName(name)) >= 0;
    }
    set(name, value) {
      checkHeaders(this);
      internal.argCount(arguments.length, 2, "Failed to execute 'set' on 'Headers'");
      this.#mutable();
      this.#set(normalizeName(name), normalizeValue(value));
    }
    #set(name, value) {
      this.#sorted = null;
      const list = this.#list;
      let found = false;
      let o = 0;
      for (let i = 0; i < list.length; i += 2) {
        if (list[i] === name) {
          if (found) continue;
          found = true;
          list[o++] = name;
          list[o++] = value;
        } else {
          list[o++] = list[i];
          list[o++] = list[i + 1];
        }
      }
      list.length = o;
      if (!found) list.push(name, value);
    }
    forEach(callback, thisArg = undefined) {
      checkHeaders(this);
      if (typeof callback !== "function") {
        throw new TypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.");
      }
      for (let i = 0; ; i++) {
        const pairs = this.#sortAndCombine();
        if (i >= pairs.length) break;
        callback.call(thisArg, pairs[i][1], pairs[i][0], this);
      }
    }
    entries() {
      checkHeaders(this);
      return makeIterator(this, "entries");
    }
    keys() {
      checkHeaders(this);
      return makeIterator(this, "keys");
    }
    values() {
      checkHeaders(this);
      return makeIterator(this, "values");
    }

    // "Sort and combine": names sorted by code unit, values of equal names joined with ", ",
    // except set-cookie whose values stay separate. Cached until the next mutation.
    #sortAndCombine() {
      if (this.#sorted !== null) return this.#sorted;
      const list = this.#list;
      const names = [];
      for (let i = 0; i < list.length; i += 2) if (!names.includes(list[i])) names.push(list[i]);
      names.sort();
      const out = [];
      for (const name of names) {
        if (name === "set-cookie") {
          for (let i = 0; i < list.length; i += 2) if (list[i] === name) out.push([name, list[i + 1]]);
        } else {
          out.push([name, this.#get(name)]);
        }
      }
      this.#sorted = out;
      return out;
    }
    static {
      internal.headersSorted = (h) => h.#sortAndCombine();
    }
  }

  const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  const HeadersIteratorPrototype = Object.create(iteratorPrototype);
  const iteratorState = new WeakMap();
  function makeIterator(headers, kind) {
    const it = Object.create(HeadersIteratorPrototype);
    iteratorState.set(it, { headers, kind, index: 0 });
    return it;
  }
  Object.defineProperty(HeadersIteratorPrototype, "next", {
    value: function next() {
      const state = iteratorState.get(this);
      if (state === undefined) throw new TypeError("Illegal invocation");
      const pairs = internal.headersSorted(state.headers);
      if (state.index >= pairs.length) return { value: undefined, done: true };
      const [k, v] = pairs[state.index++];
      return { value: state.kind === "keys" ? k : state.kind === "values" ? v : [k, v], done: false };
    },
    writable: true, enumerable: true, configurable: true,
  });
  Object.defineProperty(HeadersIteratorPrototype, Symbol.toStringTag, { value: "Headers Iterator", configurable: true });

  internal.exposeMembers(Headers.prototype);
  Object.defineProperty(Headers.prototype, Symbol.iterator, {
    value: Headers.prototype.entries, writable: true, enumerable: false, configurable: true,
  });
  internal.brand(Headers, "Headers");
  internal.registerUncloneable?.(internal.isHeaders);
  internal.defineGlobal("Headers", Headers);
})();
