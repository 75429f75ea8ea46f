// Kindling prelude: the URL class of the WHATWG URL Standard (§6.1) over the parser in
// 12-url-parser.js. The URLSearchParams class (12-urlsearchparams.js) is linked through
// internal.newSearchParams.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const {
    basicParse, parseString, serializeURL, serializeOrigin, serializePath, toUSV, hasOpaquePath,
    cannotHaveCredentialsOrPort, stripTrailingSpacesFromOpaquePath, percentEncode,
    states: { SCHEME_START, HOST, HOSTNAME, PORT, PATH_START, QUERY, FRAGMENT },
  } = internal.urlParser;
  const { USERINFO_SET } = internal;

  // ------------------------------------------------------------------ class URL
  // Passed as the first constructor argument (with the record as the second) to wrap an already
  // parsed record; unreachable from user code.
  const FROM_RECORD = Object.freeze({});
  class URL {
    #url;
    #query = null;

    constructor(url, base = undefined) {
      if (url === FROM_RECORD) {
        this.#url = base;
        return;
      }
      if (arguments.length < 1) internal.argCount(0, 1, "Failed to construct 'URL'");
      const record = parseString(url, base);
      if (record === null) throw new TypeError(`Invalid URL string.`);
      this.#url = record;
    }

    static canParse(url, base = undefined) {
      if (arguments.length < 1) internal.argCount(0, 1, "Failed to execute 'canParse' on 'URL'");
      return parseString(url, base) !== null;
    }

    static parse(url, base = undefined) {
      if (arguments.length < 1) internal.argCount(0, 1, "Failed to execute 'parse' on 'URL'");
      const record = parseString(url, base);
      if (record === null) return null;
      return new URL(FROM_RECORD, record);
    }

    static {
      internal.urlRecordOf = (u) => u.#url;
      internal.urlFromRecord = (record) => new URL(FROM_RECORD, record);
      internal.isURL = (u) => #url in Object(u);
      // Called by URLSearchParams when its list changes ("update steps").
      internal.updateURLQuery = (u, serialized) => {
        u.#url.query = serialized === "" ? null : serialized;
        if (serialized === "") stripTrailingSpacesFromOpaquePath(u.#url);
      };
    }

    static #check(self) {
      if (self === null || (typeof self !== "object" && typeof self !== "function") || !(#url in self)) {
        throw new TypeError("Illegal invocation");
      }
      return self.#url;
    }
    #resetQuery() {
      if (this.#query !== null) internal.setSearchParamsList(this.#query, this.#url.query ?? "");
    }

    get href() {
      return serializeURL(URL.#check(this));
    }
    set href(value) {
      URL.#check(this);
      const record = basicParse(toUSV(value), null);
      if (record === null) throw new TypeError(`Invalid URL string.`);
      this.#url = record;
      this.#resetQuery();
    }
    get origin() {
      return serializeOrigin(URL.#check(this));
    }
    get protocol() {
      return URL.#check(this).scheme + ":";
    }
    set protocol(value) {
      basicParse(toUSV(value) + ":", null, URL.#check(this), SCHEME_START);
    }
    get username() {
      return URL.#check(this).username;
    }
    set username(value) {
      const url = URL.#check(this);
      if (cannotHaveCredentialsOrPort(url)) return;
      url.username = percentEncode(toUSV(value), USERINFO_SET);
    }
    get password() {
      return URL.#check(this).password;
    }
    set password(value) {
      const url = URL.#check(this);
      if (cannotHaveCredentialsOrPort(url)) return;
      url.password = percentEncode(toUSV(value), USERINFO_SET);
    }
    get host() {
      const url = URL.#check(this);
      if (url.host === null) return "";
      return url.port === null ? url.host : url.host + ":" + url.port;
    }
    set host(value) {
      const url = URL.#check(this);
      if (hasOpaquePath(url)) return;
      basicParse(toUSV(value), null, url, HOST);
    }
    get hostname() {
      return URL.#check(this).host ?? "";
    }
    set hostname(value) {
      const url = URL.#check(this);
      if (hasOpaquePath(url)) return;
      basicParse(toUSV(value), null, url, HOSTNAME);
    }
    get port() {
      const port = URL.#check(this).port;
      return port === null ? "" : String(port);
    }
    set port(value) {
      const url = URL.#check(this);
      if (cannotHaveCredentialsOrPort(url)) return;
      value = toUSV(value);
      if (value === "") {
        url.port = null;
        return;
      }
      basicParse(value, null, url, PORT);
    }
    get pathname() {
      return serializePath(URL.#check(this));
    }
    set pathname(value) {
      const url = URL.#check(this);
      if (hasOpaquePath(url)) return;
      url.path = [];
      basicParse(toUSV(value), null, url, PATH_START);
    }
    get search() {
      const q = URL.#check(this).query;
      return q === null || q === "" ? "" : "?" + q;
    }
    set search(value) {
      const url = URL.#check(this);
      value = toUSV(value);
      if (value === "") {
        url.query = null;
        stripTrailingSpacesFromOpaquePath(url);
      } else {
        if (value[0] === "?") value = value.slice(1);
        url.query = "";
        basicParse(value, null, url, QUERY);
      }
      this.#resetQuery();
    }
    get searchParams() {
      URL.#check(this);
      if (this.#query === null) this.#query = internal.newSearchParams(this.#url.query ?? "", this);
      return this.#query;
    }
    get hash() {
      const f = URL.#check(this).fragment;
      return f === null || f === "" ? "" : "#" + f;
    }
    set hash(value) {
      const url = URL.#check(this);
      value = toUSV(value);
      if (value === "") {
        url.fragment = null;
        stripTrailingSpacesFromOpaquePath(url);
        return;
      }
      if (value[0] === "#") value = value.slice(1);
      url.fragment = "";
      basicParse(value, null, url, FRAGMENT);
    }
    toString() {
      return serializeURL(URL.#check(this));
    }
    toJSON() {
      return serializeURL(URL.#check(this));
    }
  }
  internal.exposeMembers(URL.prototype);
  internal.brand(URL, "URL");
  internal.registerUncloneable(internal.isURL);
  internal.defineGlobal("URL", URL);
})();
