// Kindling prelude: the basic URL parser and serializers of the WHATWG URL Standard (§4),
// written from the specification's state machine. Hosts come from 11-url-host.js; the URL class
// is in 12-url.js.
// Internal API for the other prelude files:
//   internal.parseURL(string, baseString?) → URL record or null
//   internal.serializeURL(record, excludeFragment?) → string
//   internal.urlParser                        → the pieces the URL class's setters need
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];

  // ------------------------------------------------------------------ percent-encode sets
  function makeSet(base, extra) {
    const set = new Uint8Array(128);
    if (base) set.set(base);
    for (const ch of extra) set[ch.charCodeAt(0)] = 1;
    return set;
  }
  const C0_CONTROL_SET = new Uint8Array(128);
  for (let c = 0; c < 0x20; c++) C0_CONTROL_SET[c] = 1;
  C0_CONTROL_SET[0x7f] = 1;
  const FRAGMENT_SET = makeSet(C0_CONTROL_SET, ' "<>`');
  const QUERY_SET = makeSet(C0_CONTROL_SET, ' "#<>');
  const SPECIAL_QUERY_SET = makeSet(QUERY_SET, "'");
  const PATH_SET = makeSet(QUERY_SET, "?^`{}");
  const USERINFO_SET = makeSet(PATH_SET, "/:;=@[\\]|");
  const COMPONENT_SET = makeSet(USERINFO_SET, "$%&+,");
  const FORM_SET = makeSet(COMPONENT_SET, "!'()~");
  Object.assign(internal, { C0_CONTROL_SET, USERINFO_SET, FORM_SET });

  const HEX = [];
  for (let i = 0; i < 256; i++) HEX.push("%" + (i < 16 ? "0" : "") + i.toString(16).toUpperCase());

  // UTF-8 percent-encodes every code point of s that is in set (non-ASCII always is).
  function percentEncode(s, set, spaceAsPlus = false) {
    let out = "";
    let start = 0;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (spaceAsPlus && c === 0x20) {
          out += s.slice(start, i) + "+";
          start = i + 1;
        } else if (set[c] === 1) {
          out += s.slice(start, i) + HEX[c];
          start = i + 1;
        }
        continue;
      }
      out += s.slice(start, i);
      let end = i + 1;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) end = i + 2;
      }
      const bytes = internal.utf8Encode(s.slice(i, end));
      for (let j = 0; j < bytes.length; j++) out += HEX[bytes[j]];
      i = end - 1;
      start = end;
    }
    return start === 0 ? s : out + s.slice(start);
  }
  internal.percentEncode = percentEncode;

  // ------------------------------------------------------------------ URL records
  const SPECIAL = { "ftp": 21, "file": null, "http": 80, "https": 443, "ws": 80, "wss": 443 };
  const isSpecialScheme = (s) => Object.prototype.hasOwnProperty.call(SPECIAL, s);
  const defaultPort = (s) => (isSpecialScheme(s) ? SPECIAL[s] : null);

  function newRecord() {
    return { scheme: "", username: "", password: "", host: null, port: null, path: [], query: null, fragment: null };
  }
  const hasOpaquePath = (r) => typeof r.path === "string";
  const includesCredentials = (r) => r.username !== "" || r.password !== "";
  const cannotHaveCredentialsOrPort = (r) => r.host === null || r.host === "" || r.scheme === "file";

  const isAlpha = (c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  const isDigit = (c) => c >= 0x30 && c <= 0x39;
  const isWindowsDriveLetter = (s) => s.length === 2 && isAlpha(s.charCodeAt(0)) && (s[1] === ":" || s[1] === "|");
  const isNormalizedDriveLetter = (s) => s.length === 2 && isAlpha(s.charCodeAt(0)) && s[1] === ":";
  function startsWithDriveLetter(s, p) {
    if (s.length - p < 2 || !isAlpha(s.charCodeAt(p)) || (s[p + 1] !== ":" && s[p + 1] !== "|")) return false;
    if (s.length - p === 2) return true;
    const c = s[p + 2];
    return c === "/" || c === "\\" || c === "?" || c === "#";
  }
  const SINGLE_DOT = new Set([".", "%2e", "%2E"]);
  const DOUBLE_DOT = new Set(["..", ".%2e", ".%2E", "%2e.", "%2E.", "%2e%2e", "%2E%2E", "%2e%2E", "%2E%2e"]);

  function shortenPath(url) {
    const path = url.path;
    if (url.scheme === "file" && path.length === 1 && isNormalizedDriveLetter(path[0])) return;
    path.pop();
  }

  // States of the basic URL parser.
  const SCHEME_START = 1, SCHEME = 2, NO_SCHEME = 3, SPECIAL_RELATIVE_OR_AUTHORITY = 4, PATH_OR_AUTHORITY = 5,
    RELATIVE = 6, RELATIVE_SLASH = 7, SPECIAL_AUTHORITY_SLASHES = 8, SPECIAL_AUTHORITY_IGNORE_SLASHES = 9,
    AUTHORITY = 10, HOST = 11, HOSTNAME = 12, PORT = 13, FILE = 14, FILE_SLASH = 15, FILE_HOST = 16,
    PATH_START = 17, PATH = 18, OPAQUE_PATH = 19, QUERY = 20, FRAGMENT = 21;
  const FAILURE = null;

  // Fast path for the common absolute URL: http(s)/ws(s), a lower-case ASCII domain, an optional
  // port, and a path, query and fragment made only of characters that need no percent-encoding
  // and no dot segments. Returns the same record the state machine would, or undefined to fall
  // back to it. (The state machine costs about 60 ns a character in JavaScriptCore.)
  const SIMPLE_URL =
    /^(https?|wss?):\/\/([a-z0-9.-]+)(?::([0-9]{1,5}))?(\/[A-Za-z0-9\-._~!$&'()*+,;=:@\/%]*)?(?:\?([A-Za-z0-9\-._~!$&()*+,;=:@\/?%]*))?(?:#([A-Za-z0-9\-._~!$&'()*+,;=:@\/?%#]*))?$/;
  function parseSimple(input) {
    const m = SIMPLE_URL.exec(input);
    if (m === null) return undefined;
    const [, scheme, host, portText, pathText, query, fragment] = m;
    const labels = host.split(".");
    for (const label of labels) if (label === "" || label.startsWith("xn--")) return undefined;
    // A last label that is not a name may make the host an IPv4 address.
    const lastFirst = labels[labels.length - 1].charCodeAt(0);
    if (lastFirst < 0x61 || lastFirst > 0x7a) return undefined;
    let port = null;
    if (portText !== undefined) {
      port = parseInt(portText, 10);
      if (port > 65535) return undefined;
      if (port === SPECIAL[scheme]) port = null;
    }
    const path = pathText === undefined ? [""] : pathText.slice(1).split("/");
    for (const segment of path) if (SINGLE_DOT.has(segment) || DOUBLE_DOT.has(segment)) return undefined;
    return {
      scheme, username: "", password: "", host, port, path, query: query ?? null, fragment: fragment ?? null,
    };
  }

  // The basic URL parser. Without stateOverride returns a new record or null; with one it edits
  // url in place and returns url, or null on failure (callers of setters ignore failure).
  function basicParse(input, base, url, stateOverride) {
    if (!url) {
      const simple = parseSimple(input);
      if (simple !== undefined) return simple;
      url = newRecord();
      input = input.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "");
    }
    if (/[\t\n\r]/.test(input)) input = input.replace(/[\t\n\r]/g, "");
    let state = stateOverride || SCHEME_START;
    let buffer = "";
    let atSignSeen = false, insideBrackets = false, passwordTokenSeen = false;
    const len = input.length;
    for (let p = 0; ; p++) {
      const c = p < len ? input.charCodeAt(p) : -1;
      switch (state) {
        case SCHEME_START:
          if (isAlpha(c)) {
            buffer += String.fromCharCode(c | 0x20);
            state = SCHEME;
          } else if (!stateOverride) {
            state = NO_SCHEME;
            p--;
          } else {
            return FAILURE;
          }
          break;
        case SCHEME:
          if (isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e) {
            buffer += c < 0x60 && c > 0x40 ? String.fromCharCode(c | 0x20) : input[p];
          } else if (c === 0x3a) {
            if (stateOverride) {
              if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
              if ((includesCredentials(url) || url.port !== null) && buffer === "file") return url;
              if (url.scheme === "file" && url.host === "") return url;
            }
            url.scheme = buffer;
            if (stateOverride) {
              if (url.port === defaultPort(url.scheme)) url.port = null;
              return url;
            }
            buffer = "";
            if (url.scheme === "file") {
              state = FILE;
            } else if (isSpecialScheme(url.scheme) && base && base.scheme === url.scheme) {
              state = SPECIAL_RELATIVE_OR_AUTHORITY;
            } else if (isSpecialScheme(url.scheme)) {
              state = SPECIAL_AUTHORITY_SLASHES;
            } else if (input.charCodeAt(p + 1) === 0x2f) {
              state = PATH_OR_AUTHORITY;
              p++;
            } else {
              url.path = "";
              state = OPAQUE_PATH;
            }
          } else if (!stateOverride) {
            buffer = "";
            state = NO_SCHEME;
            p = -1;
          } else {
            return FAILURE;
          }
          break;
        case NO_SCHEME:
          if (!base || (hasOpaquePath(base) && c !== 0x23)) return FAILURE;
          if (hasOpaquePath(base) && c === 0x23) {
            url.scheme = base.scheme;
            url.path = base.path;
            url.query = base.query;
            url.fragment = "";
            state = FRAGMENT;
          } else {
            state = base.scheme !== "file" ? RELATIVE : FILE;
            p--;
          }
          break;
        case SPECIAL_RELATIVE_OR_AUTHORITY:
          if (c === 0x2f && input.charCodeAt(p + 1) === 0x2f) {
            state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
            p++;
          } else {
            state = RELATIVE;
            p--;
          }
          break;
        case PATH_OR_AUTHORITY:
          if (c === 0x2f) {
            state = AUTHORITY;
          } else {
            state = PATH;
            p--;
          }
          break;
        case RELATIVE:
          url.scheme = base.scheme;
          if (c === 0x2f || (c === 0x5c && isSpecialScheme(url.scheme))) {
            state = RELATIVE_SLASH;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === 0x3f) {
              url.query = "";
              state = QUERY;
            } else if (c === 0x23) {
              url.fragment = "";
              state = FRAGMENT;
            } else if (c !== -1) {
              url.query = null;
              shortenPath(url);
              state = PATH;
              p--;
            }
          }
          break;
        case RELATIVE_SLASH:
          if (isSpecialScheme(url.scheme) && (c === 0x2f || c === 0x5c)) {
            state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          } else if (c === 0x2f) {
            state = AUTHORITY;
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            state = PATH;
            p--;
          }
          break;
        case SPECIAL_AUTHORITY_SLASHES:
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          if (c === 0x2f && input.charCodeAt(p + 1) === 0x2f) p++;
          else p--;
          break;
        case SPECIAL_AUTHORITY_IGNORE_SLASHES:
          if (c !== 0x2f && c !== 0x5c) {
            state = AUTHORITY;
            p--;
          }
          break;
        case AUTHORITY:
          if (c === 0x40) {
            if (atSignSeen) buffer = "%40" + buffer;
            atSignSeen = true;
            let colon = passwordTokenSeen ? -1 : buffer.indexOf(":");
            if (colon >= 0) {
              url.username += percentEncode(buffer.slice(0, colon), USERINFO_SET);
              url.password += percentEncode(buffer.slice(colon + 1), USERINFO_SET);
              passwordTokenSeen = true;
            } else if (passwordTokenSeen) {
              url.password += percentEncode(buffer, USERINFO_SET);
            } else {
              url.username += percentEncode(buffer, USERINFO_SET);
            }
            buffer = "";
          } else if (c === -1 || c === 0x2f || c === 0x3f || c === 0x23 || (c === 0x5c && isSpecialScheme(url.scheme))) {
            if (atSignSeen && buffer === "") return FAILURE;
            p -= buffer.length + 1;
            buffer = "";
            state = HOST;
          } else {
            buffer += input[p];
          }
          break;
        case HOST:
        case HOSTNAME:
          if (stateOverride && url.scheme === "file") {
            p--;
            state = FILE_HOST;
          } else if (c === 0x3a && !insideBrackets) {
            if (buffer === "") return FAILURE;
            if (stateOverride === HOSTNAME) return FAILURE;
            const host = internal.parseHost(buffer, !isSpecialScheme(url.scheme));
            if (host === null) return FAILURE;
            url.host = host;
            buffer = "";
            state = PORT;
          } else if (c === -1 || c === 0x2f || c === 0x3f || c === 0x23 || (c === 0x5c && isSpecialScheme(url.scheme))) {
            p--;
            if (isSpecialScheme(url.scheme) && buffer === "") return FAILURE;
            if (stateOverride && buffer === "" && (includesCredentials(url) || url.port !== null)) return FAILURE;
            const host = internal.parseHost(buffer, !isSpecialScheme(url.scheme));
            if (host === null) return FAILURE;
            url.host = host;
            buffer = "";
            state = PATH_START;
            if (stateOverride) return url;
          } else {
            if (c === 0x5b) insideBrackets = true;
            if (c === 0x5d) insideBrackets = false;
            buffer += input[p];
          }
          break;
        case PORT:
          if (isDigit(c)) {
            buffer += input[p];
          } else if (c === -1 || c === 0x2f || c === 0x3f || c === 0x23 || (c === 0x5c && isSpecialScheme(url.scheme)) || stateOverride) {
            if (buffer !== "") {
              const port = parseInt(buffer, 10);
              if (port > 65535) return FAILURE;
              url.port = port === defaultPort(url.scheme) ? null : port;
              buffer = "";
            }
            if (stateOverride) return url;
            state = PATH_START;
            p--;
          } else {
            return FAILURE;
          }
          break;
        case FILE:
          url.scheme = "file";
          url.host = "";
          if (c === 0x2f || c === 0x5c) {
            state = FILE_SLASH;
          } else if (base && base.scheme === "file") {
            url.host = base.host;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === 0x3f) {
              url.query = "";
              state = QUERY;
            } else if (c === 0x23) {
              url.fragment = "";
              state = FRAGMENT;
            } else if (c !== -1) {
              url.query = null;
              if (!startsWithDriveLetter(input, p)) shortenPath(url);
              else url.path = [];
              state = PATH;
              p--;
            }
          } else {
            state = PATH;
            p--;
          }
          break;
        case FILE_SLASH:
          if (c === 0x2f || c === 0x5c) {
            state = FILE_HOST;
          } else {
            if (base && base.scheme === "file") {
              url.host = base.host;
              if (!startsWithDriveLetter(input, p) && base.path.length > 0 && isNormalizedDriveLetter(base.path[0])) {
                url.path.push(base.path[0]);
              }
            }
            state = PATH;
            p--;
          }
          break;
        case FILE_HOST:
          if (c === -1 || c === 0x2f || c === 0x5c || c === 0x3f || c === 0x23) {
            p--;
            if (!stateOverride && isWindowsDriveLetter(buffer)) {
              state = PATH;
            } else if (buffer === "") {
              url.host = "";
              if (stateOverride) return url;
              state = PATH_START;
            } else {
              let host = internal.parseHost(buffer, !isSpecialScheme(url.scheme));
              if (host === null) return FAILURE;
              if (host === "localhost") host = "";
              url.host = host;
              if (stateOverride) return url;
              buffer = "";
              state = PATH_START;
            }
          } else {
            buffer += input[p];
          }
          break;
        case PATH_START:
          if (isSpecialScheme(url.scheme)) {
            state = PATH;
            if (c !== 0x2f && c !== 0x5c) p--;
          } else if (!stateOverride && c === 0x3f) {
            url.query = "";
            state = QUERY;
          } else if (!stateOverride && c === 0x23) {
            url.fragment = "";
            state = FRAGMENT;
          } else if (c !== -1) {
            state = PATH;
            if (c !== 0x2f) p--;
          } else if (stateOverride && url.host === null) {
            url.path.push("");
          }
          break;
        case PATH: {
          const special = isSpecialScheme(url.scheme);
          const slash = c === 0x2f || (special && c === 0x5c);
          if (c === -1 || slash || (!stateOverride && (c === 0x3f || c === 0x23))) {
            buffer = percentEncode(buffer, PATH_SET);
            if (DOUBLE_DOT.has(buffer)) {
              shortenPath(url);
              if (!slash) url.path.push("");
            } else if (SINGLE_DOT.has(buffer)) {
              if (!slash) url.path.push("");
            } else {
              if (url.scheme === "file" && url.path.length === 0 && isWindowsDriveLetter(buffer)) {
                buffer = buffer[0] + ":";
              }
              url.path.push(buffer);
            }
            buffer = "";
            if (c === 0x3f) {
              url.query = "";
              state = QUERY;
            } else if (c === 0x23) {
              url.fragment = "";
              state = FRAGMENT;
            }
          } else {
            // Take the run of ordinary characters up to the next delimiter in one step.
            let end = p + 1;
            while (end < len) {
              const d = input.charCodeAt(end);
              if (d === 0x2f || (special && d === 0x5c) || (!stateOverride && (d === 0x3f || d === 0x23))) break;
              end++;
            }
            buffer += input.slice(p, end);
            p = end - 1;
          }
          break;
        }
        case OPAQUE_PATH:
          if (c === 0x3f || c === 0x23 || c === -1) {
            url.path += percentEncode(buffer, C0_CONTROL_SET);
            buffer = "";
            if (c !== -1) url.path = url.path.replace(/ +$/, "");
            if (c === 0x3f) {
              url.query = "";
              state = QUERY;
            } else if (c === 0x23) {
              url.fragment = "";
              state = FRAGMENT;
            }
          } else {
            let end = p + 1;
            while (end < len && input.charCodeAt(end) !== 0x3f && input.charCodeAt(end) !== 0x23) end++;
            buffer += input.slice(p, end);
            p = end - 1;
          }
          break;
        case QUERY:
          if ((!stateOverride && c === 0x23) || c === -1) {
            url.query += percentEncode(buffer, isSpecialScheme(url.scheme) ? SPECIAL_QUERY_SET : QUERY_SET);
            buffer = "";
            if (c === 0x23) {
              url.fragment = "";
              state = FRAGMENT;
            }
          } else {
            let end = p + 1;
            while (end < len && (stateOverride || input.charCodeAt(end) !== 0x23)) end++;
            buffer += input.slice(p, end);
            p = end - 1;
          }
          break;
        case FRAGMENT:
          if (c !== -1) {
            let end = len;
            url.fragment += percentEncode(input.slice(p, end), FRAGMENT_SET);
            p = end - 1;
          }
          break;
      }
      if (p >= len) break;
    }
    return url;
  }

  function serializePath(url) {
    if (hasOpaquePath(url)) return url.path;
    let out = "";
    for (const segment of url.path) out += "/" + segment;
    return out;
  }

  function serializeURL(url, excludeFragment = false) {
    let out = url.scheme + ":";
    if (url.host !== null) {
      out += "//";
      if (includesCredentials(url)) {
        out += url.username;
        if (url.password !== "") out += ":" + url.password;
        out += "@";
      }
      out += url.host;
      if (url.port !== null) out += ":" + url.port;
    } else if (!hasOpaquePath(url) && url.path.length > 1 && url.path[0] === "") {
      out += "/.";
    }
    out += serializePath(url);
    if (url.query !== null) out += "?" + url.query;
    if (!excludeFragment && url.fragment !== null) out += "#" + url.fragment;
    return out;
  }

  function serializeOrigin(url) {
    switch (url.scheme) {
      case "blob": {
        const inner = parseString(serializePath(url));
        if (inner && (inner.scheme === "http" || inner.scheme === "https")) return serializeOrigin(inner);
        return "null";
      }
      case "ftp": case "http": case "https": case "ws": case "wss":
        return url.scheme + "://" + url.host + (url.port !== null ? ":" + url.port : "");
      default:
        return "null";
    }
  }

  const toUSV = (v) => {
    const s = `${v}`;
    return s.isWellFormed() ? s : s.toWellFormed();
  };
  // Parses a string against an optional base string; null on failure.
  function parseString(input, baseString) {
    let base = null;
    if (baseString !== undefined) {
      base = basicParse(toUSV(baseString), null);
      if (base === null) return null;
    }
    return basicParse(toUSV(input), base);
  }
  internal.parseURL = parseString;
  internal.serializeURL = serializeURL;
  internal.toUSV = toUSV;

  function stripTrailingSpacesFromOpaquePath(url) {
    if (!hasOpaquePath(url) || url.fragment !== null || url.query !== null) return;
    url.path = url.path.replace(/ +$/, "");
  }

  internal.urlParser = {
    basicParse, parseString, serializeURL, serializeOrigin, serializePath, toUSV, hasOpaquePath,
    cannotHaveCredentialsOrPort, stripTrailingSpacesFromOpaquePath, percentEncode,
    states: { SCHEME_START, HOST, HOSTNAME, PORT, PATH_START, OPAQUE_PATH, QUERY, FRAGMENT },
  };
})();
