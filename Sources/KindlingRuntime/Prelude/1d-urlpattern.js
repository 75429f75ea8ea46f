// Kindling prelude: the URLPattern class (WHATWG URL Pattern Standard): construction from a constructor string
// (with an optional base URL) or a URLPatternInit dictionary, test(), exec() with named, numbered and regexp
// groups, the ?, * and + modifiers, ignoreCase, and hasRegExpGroups. Pattern strings are parsed by
// 1d-urlpattern-parser.js; the pieces of fixed text are canonicalized with the URL parser of 12-url-parser.js,
// as the standard's encoding callbacks do. Regular expressions use the v flag, as the current standard does.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const { defineGlobal, exposeMembers, brand } = internal;
  const { parsePatternString, generateRegExp, generatePatternString, escapePatternString } = internal.urlPatternParser;
  const {
    basicParse, serializePath, toUSV, hasOpaquePath, percentEncode,
    states: { HOSTNAME, PORT, PATH_START, OPAQUE_PATH, QUERY, FRAGMENT },
  } = internal.urlParser;
  const { USERINFO_SET } = internal;

  const COMPONENTS = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"];
  const SPECIAL_SCHEMES = ["ftp", "file", "http", "https", "ws", "wss"];
  const DEFAULT_PORTS = { ftp: "21", http: "80", https: "443", ws: "80", wss: "443" };
  const isSpecialScheme = (s) => SPECIAL_SCHEMES.includes(s);
  const fail = (message) => new TypeError(`Failed to construct 'URLPattern': ${message}`);

  // --- encoding callbacks: canonicalize one piece of a component -------------------------------------------
  const dummyURL = () => basicParse("https://dummy.invalid/", null);

  function canonicalizeProtocol(value) {
    if (value === "") return value;
    const url = basicParse(value + "://dummy.invalid/", null);
    if (url === null) throw fail(`Invalid protocol '${value}'.`);
    return url.scheme;
  }
  function canonicalizeUsername(value) {
    return value === "" ? value : percentEncode(value, USERINFO_SET);
  }
  const canonicalizePassword = canonicalizeUsername;
  function canonicalizeHostname(value) {
    if (value === "") return value;
    const url = dummyURL();
    if (basicParse(value, null, url, HOSTNAME) === null) throw fail(`Invalid hostname '${value}'.`);
    return url.host ?? "";
  }
  function canonicalizeIPv6Hostname(value) {
    if (!/^[0-9A-Fa-f[\]:]*$/.test(value)) throw fail(`Invalid IPv6 hostname '${value}'.`);
    return value.toLowerCase();
  }
  // Stricter than the URL parser's port state, which stops quietly at a non-digit: a piece that does not start
  // with a digit ("invalid80") is refused, as browsers and the web-platform-tests do.
  function canonicalizePort(value, protocol) {
    if (value === "") return value;
    if (!/^[\t\n\r]*[0-9]/.test(value)) throw fail(`Invalid port '${value}'.`);
    const url = dummyURL();
    url.scheme = protocol === undefined ? "" : protocol;
    if (basicParse(value, null, url, PORT) === null) throw fail(`Invalid port '${value}'.`);
    return url.port === null ? "" : String(url.port);
  }
  function canonicalizePathname(value) {
    if (value === "") return value;
    const leadingSlash = value[0] === "/";
    const url = dummyURL();
    url.path = [];
    basicParse((leadingSlash ? "" : "/-") + value, null, url, PATH_START);
    const result = serializePath(url);
    return leadingSlash ? result : result.slice(2);
  }
  function canonicalizeOpaquePathname(value) {
    if (value === "") return value;
    const url = dummyURL();
    url.path = "";
    if (basicParse(value, null, url, OPAQUE_PATH) === null) throw fail(`Invalid pathname '${value}'.`);
    return serializePath(url);
  }
  // The query or fragment of the dummy URL after parsing value in that state: percent-encoding as the URL
  // Standard does there.
  function canonicalizeIn(field, state) {
    return (value) => {
      if (value === "") return value;
      const url = dummyURL();
      url[field] = "";
      basicParse(value, null, url, state);
      return url[field];
    };
  }
  const canonicalizeSearch = canonicalizeIn("query", QUERY);
  const canonicalizeHash = canonicalizeIn("fragment", FRAGMENT);

  // --- components -------------------------------------------------------------------------------------------
  const DEFAULT_OPTIONS = { delimiter: "", prefix: "", ignoreCase: false };
  const HOSTNAME_OPTIONS = { delimiter: ".", prefix: "", ignoreCase: false };
  const PATHNAME_OPTIONS = { delimiter: "/", prefix: "/", ignoreCase: false };

  // { patternString, regexp, names, hasRegExpGroups } for one component's pattern string.
  function compileComponent(input, encode, options) {
    const parts = parsePatternString(input, options, encode);
    const { source, names } = generateRegExp(parts, options);
    let regexp;
    try {
      regexp = new RegExp(source, options.ignoreCase ? "vi" : "v");
    } catch (error) {
      throw fail(`Invalid regular expression in '${input}': ${error.message}`);
    }
    return {
      patternString: generatePatternString(parts, options),
      regexp,
      names,
      hasRegExpGroups: parts.some((part) => part.type === "regexp"),
    };
  }
  function protocolMatchesSpecialScheme(component) {
    return SPECIAL_SCHEMES.some((scheme) => component.regexp.test(scheme));
  }
  function hostnameIsIPv6(input) {
    const cps = Array.from(input);
    if (cps.length < 2) return false;
    return cps[0] === "[" || ((cps[0] === "{" || cps[0] === "\\") && cps[1] === "[");
  }

  // --- URLPatternInit processing ----------------------------------------------------------------------------
  // Reads a URLPatternInit dictionary: each member present (not undefined) as a USVString, in Web IDL's order.
  function readInit(value) {
    const init = {};
    if (value === undefined || value === null) return init;
    for (const key of ["baseURL", "hash", "hostname", "password", "pathname", "port", "protocol", "search", "username"]) {
      const member = value[key];
      if (member !== undefined) init[key] = toUSV(member);
    }
    return init;
  }

  const processBaseURLString = (input, type) => (type === "pattern" ? escapePatternString(input) : input);
  function isAbsolutePathname(input, type) {
    if (input === "") return false;
    if (input[0] === "/") return true;
    if (type === "url") return false;
    if (input.length < 2) return false;
    return (input[0] === "\\" || input[0] === "{") && input[1] === "/";
  }

  // "Process a URLPatternInit": type is "pattern" (values are pattern strings) or "url" (values are canonicalized,
  // and a bad one throws). Missing components are absent from the result, unless inherited from baseURL.
  function processInit(init, type, defaults) {
    const result = { ...defaults };
    const has = (key) => Object.prototype.hasOwnProperty.call(init, key);
    let baseURL = null;
    if (has("baseURL")) {
      baseURL = basicParse(init.baseURL, null);
      if (baseURL === null) throw fail(`Invalid baseURL '${init.baseURL}'.`);
      const none = (...keys) => keys.every((key) => !has(key));
      if (!has("protocol")) result.protocol = processBaseURLString(baseURL.scheme, type);
      if (type !== "pattern" && none("protocol", "hostname", "port", "username")) {
        result.username = processBaseURLString(baseURL.username, type);
      }
      if (type !== "pattern" && none("protocol", "hostname", "port", "username", "password")) {
        result.password = processBaseURLString(baseURL.password, type);
      }
      if (none("protocol", "hostname")) result.hostname = processBaseURLString(baseURL.host ?? "", type);
      if (none("protocol", "hostname", "port")) result.port = baseURL.port === null ? "" : String(baseURL.port);
      if (none("protocol", "hostname", "port", "pathname")) result.pathname = processBaseURLString(serializePath(baseURL), type);
      if (none("protocol", "hostname", "port", "pathname", "search")) result.search = processBaseURLString(baseURL.query ?? "", type);
      if (none("protocol", "hostname", "port", "pathname", "search", "hash")) {
        result.hash = processBaseURLString(baseURL.fragment ?? "", type);
      }
    }
    const pattern = type === "pattern";
    if (has("protocol")) {
      const stripped = init.protocol.endsWith(":") ? init.protocol.slice(0, -1) : init.protocol;
      result.protocol = pattern ? stripped : canonicalizeProtocol(stripped);
    }
    if (has("username")) result.username = pattern ? init.username : canonicalizeUsername(init.username);
    if (has("password")) result.password = pattern ? init.password : canonicalizePassword(init.password);
    if (has("hostname")) result.hostname = pattern ? init.hostname : canonicalizeHostname(init.hostname);
    const protocol = result.protocol ?? "";
    if (has("port")) result.port = pattern ? init.port : canonicalizePort(init.port, protocol);
    if (has("pathname")) {
      let pathname = init.pathname;
      if (baseURL !== null && !hasOpaquePath(baseURL) && !isAbsolutePathname(pathname, type)) {
        const basePath = processBaseURLString(serializePath(baseURL), type);
        const slash = basePath.lastIndexOf("/");
        if (slash !== -1) pathname = basePath.slice(0, slash + 1) + pathname;
      }
      if (pattern) result.pathname = pathname;
      else if (isSpecialScheme(protocol) || protocol === "") result.pathname = canonicalizePathname(pathname);
      else result.pathname = canonicalizeOpaquePathname(pathname);
    }
    if (has("search")) {
      const stripped = init.search.startsWith("?") ? init.search.slice(1) : init.search;
      result.search = pattern ? stripped : canonicalizeSearch(stripped);
    }
    if (has("hash")) {
      const stripped = init.hash.startsWith("#") ? init.hash.slice(1) : init.hash;
      result.hash = pattern ? stripped : canonicalizeHash(stripped);
    }
    return result;
  }

  // "Create a URL pattern": the eight compiled components.
  function createPattern(input, baseURL, ignoreCase) {
    let init;
    if (typeof input === "string") {
      init = internal.parseURLPatternConstructorString(input, (protocol) =>
        protocolMatchesSpecialScheme(compileComponent(protocol, canonicalizeProtocol, DEFAULT_OPTIONS)));
      if (baseURL === null && !("protocol" in init)) {
        throw fail(`Relative constructor string '${input}' must have a base URL passed as the second argument.`);
      }
      if (baseURL !== null) init.baseURL = baseURL;
    } else {
      if (baseURL !== null) throw fail("A base URL must not be given when the input is a URLPatternInit.");
      init = input;
    }
    const processed = processInit(init, "pattern", {});
    for (const name of COMPONENTS) if (!(name in processed)) processed[name] = "*";
    // The default port of a special scheme is elided. Surrounding C0 controls and spaces are ignored first, as
    // implementations do (whatwg/urlpattern#260): { protocol: "http", port: "80 " } has the empty port too.
    const port = processed.port.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "");
    if (isSpecialScheme(processed.protocol) && /^[0-9]+$/.test(port) && Number(port) === Number(DEFAULT_PORTS[processed.protocol])) {
      processed.port = "";
    }

    const components = {};
    components.protocol = compileComponent(processed.protocol, canonicalizeProtocol, DEFAULT_OPTIONS);
    components.username = compileComponent(processed.username, canonicalizeUsername, DEFAULT_OPTIONS);
    components.password = compileComponent(processed.password, canonicalizePassword, DEFAULT_OPTIONS);
    components.hostname = hostnameIsIPv6(processed.hostname)
      ? compileComponent(processed.hostname, canonicalizeIPv6Hostname, HOSTNAME_OPTIONS)
      : compileComponent(processed.hostname, canonicalizeHostname, HOSTNAME_OPTIONS);
    components.port = compileComponent(processed.port, canonicalizePort, DEFAULT_OPTIONS);
    const compileOptions = { ...DEFAULT_OPTIONS, ignoreCase };
    components.pathname = protocolMatchesSpecialScheme(components.protocol)
      ? compileComponent(processed.pathname, canonicalizePathname, { ...PATHNAME_OPTIONS, ignoreCase })
      : compileComponent(processed.pathname, canonicalizeOpaquePathname, compileOptions);
    components.search = compileComponent(processed.search, canonicalizeSearch, compileOptions);
    components.hash = compileComponent(processed.hash, canonicalizeHash, compileOptions);
    return components;
  }

  // "Match": the URLPatternResult, or null.
  function match(components, input, baseURLString) {
    const inputs = [input];
    let values;
    if (typeof input !== "string") {
      if (baseURLString !== undefined) {
        throw new TypeError("URLPattern: a base URL must not be given when the input is a URLPatternInit.");
      }
      try {
        values = processInit(input, "url", {
          protocol: "", username: "", password: "", hostname: "", port: "", pathname: "", search: "", hash: "",
        });
      } catch {
        return null;
      }
    } else {
      let base = null;
      if (baseURLString !== undefined) {
        base = basicParse(baseURLString, null);
        if (base === null) return null;
        inputs.push(baseURLString);
      }
      const url = basicParse(input, base);
      if (url === null) return null;
      values = {
        protocol: url.scheme, username: url.username, password: url.password, hostname: url.host ?? "",
        port: url.port === null ? "" : String(url.port), pathname: serializePath(url), search: url.query ?? "",
        hash: url.fragment ?? "",
      };
    }
    const execResults = [];
    for (const name of COMPONENTS) {
      const execResult = components[name].regexp.exec(values[name]);
      if (execResult === null) return null;
      execResults.push(execResult);
    }
    const result = { inputs };
    COMPONENTS.forEach((name, i) => {
      const groups = {};
      const names = components[name].names;
      for (let index = 1; index <= names.length; index++) groups[names[index - 1]] = execResults[i][index];
      result[name] = { input: values[name], groups };
    });
    return result;
  }

  // (USVString or URLPatternInit): objects (and null, undefined) are dictionaries.
  const isDictionary = (value) => value === undefined || value === null || typeof value === "object" || typeof value === "function";
  const readInput = (value) => (isDictionary(value) ? readInit(value) : toUSV(value));

  let componentsOf;
  let isURLPattern;
  class URLPattern {
    #components;
    constructor(input = undefined, baseURLOrOptions = undefined, options = undefined) {
      let baseURL = null;
      let dictionary = baseURLOrOptions;
      if (!isDictionary(baseURLOrOptions)) {
        baseURL = toUSV(baseURLOrOptions);
        dictionary = options;
      }
      if (!isDictionary(dictionary)) {
        throw fail("The provided value is not of type 'URLPatternOptions'.");
      }
      const ignoreCase = dictionary !== undefined && dictionary !== null && !!dictionary.ignoreCase;
      this.#components = createPattern(readInput(input), baseURL, ignoreCase);
    }
    static {
      isURLPattern = (value) => value !== null && typeof value === "object" && #components in value;
      componentsOf = (pattern) => {
        if (!isURLPattern(pattern)) throw new TypeError("Illegal invocation");
        return pattern.#components;
      };
    }
    test(input = undefined, baseURL = undefined) {
      const components = componentsOf(this);
      return match(components, readInput(input), baseURL === undefined ? undefined : toUSV(baseURL)) !== null;
    }
    exec(input = undefined, baseURL = undefined) {
      const components = componentsOf(this);
      return match(components, readInput(input), baseURL === undefined ? undefined : toUSV(baseURL));
    }
    get protocol() { return componentsOf(this).protocol.patternString; }
    get username() { return componentsOf(this).username.patternString; }
    get password() { return componentsOf(this).password.patternString; }
    get hostname() { return componentsOf(this).hostname.patternString; }
    get port() { return componentsOf(this).port.patternString; }
    get pathname() { return componentsOf(this).pathname.patternString; }
    get search() { return componentsOf(this).search.patternString; }
    get hash() { return componentsOf(this).hash.patternString; }
    get hasRegExpGroups() {
      const components = componentsOf(this);
      return COMPONENTS.some((name) => components[name].hasRegExpGroups);
    }
  }
  exposeMembers(URLPattern.prototype);
  brand(URLPattern, "URLPattern");
  internal.registerUncloneable(isURLPattern);
  defineGlobal("URLPattern", URLPattern);
})();
