// Kindling prelude: the constructor string parser of URLPattern (WHATWG URL Pattern Standard §1.4), which splits
// a pattern written as one URL-like string into its components. It works on the tokens of the pattern tokenizer
// (1d-urlpattern-parser.js) under the lenient policy, so that pattern syntax ("{...}", ":name", "(regexp)") never
// reads as a component separator. Plain ECMAScript.
//
// For 1d-urlpattern.js: internal.parseURLPatternConstructorString(input, matchesSpecialScheme).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const { tokenize } = internal.urlPatternParser;

  // Splits a constructor string ("https://*.example.com/:id?q#h") into a URLPatternInit of pattern strings.
  // matchesSpecialScheme(protocolPattern) compiles the protocol pattern and says whether it matches a special
  // scheme (an invalid one throws), which decides whether an authority and a "/" pathname follow.
  function parseConstructorString(input, matchesSpecialScheme) {
    const tokens = tokenize(input, "lenient");
    const cps = Array.from(input);
    const result = {};
    let componentStart = 0;
    let tokenIndex = 0;
    let tokenIncrement = 1;
    let groupDepth = 0;
    let ipv6BracketDepth = 0;
    let protocolMatchesSpecial = false;
    let state = "init";

    const safeToken = (i) => (i < tokens.length ? tokens[i] : tokens[tokens.length - 1]);
    const isNonSpecialPatternChar = (i, value) => {
      const token = safeToken(i);
      return token.value === value && (token.type === "char" || token.type === "escaped-char" || token.type === "invalid-char");
    };
    const isProtocolSuffix = () => isNonSpecialPatternChar(tokenIndex, ":");
    const nextIsAuthoritySlashes = () => isNonSpecialPatternChar(tokenIndex + 1, "/") && isNonSpecialPatternChar(tokenIndex + 2, "/");
    const isIdentityTerminator = () => isNonSpecialPatternChar(tokenIndex, "@");
    const isPasswordPrefix = () => isNonSpecialPatternChar(tokenIndex, ":");
    const isPortPrefix = () => isNonSpecialPatternChar(tokenIndex, ":");
    const isPathnameStart = () => isNonSpecialPatternChar(tokenIndex, "/");
    const isSearchPrefix = () => {
      if (isNonSpecialPatternChar(tokenIndex, "?")) return true;
      if (tokens[tokenIndex].value !== "?") return false;
      if (tokenIndex - 1 < 0) return true;
      const previous = safeToken(tokenIndex - 1);
      return !["name", "regexp", "close", "asterisk"].includes(previous.type);
    };
    const isHashPrefix = () => isNonSpecialPatternChar(tokenIndex, "#");
    const isIPv6Open = () => isNonSpecialPatternChar(tokenIndex, "[");
    const isIPv6Close = () => isNonSpecialPatternChar(tokenIndex, "]");
    const makeComponentString = () => {
      const token = tokens[tokenIndex];
      const start = safeToken(componentStart).index;
      return cps.slice(start, token.index).join("");
    };
    const rewind = () => {
      tokenIndex = componentStart;
      tokenIncrement = 0;
    };
    const rewindAndSetState = (newState) => {
      rewind();
      state = newState;
    };
    const changeState = (newState, skip) => {
      if (state !== "init" && state !== "authority" && state !== "done") result[state] = makeComponentString();
      if (state !== "init" && newState !== "done") {
        if (["protocol", "authority", "username", "password"].includes(state) &&
          ["port", "pathname", "search", "hash"].includes(newState) && !("hostname" in result)) {
          result.hostname = "";
        }
        if (["protocol", "authority", "username", "password", "hostname", "port"].includes(state) &&
          (newState === "search" || newState === "hash") && !("pathname" in result)) {
          result.pathname = protocolMatchesSpecial ? "/" : "";
        }
        if (["protocol", "authority", "username", "password", "hostname", "port", "pathname"].includes(state) &&
          newState === "hash" && !("search" in result)) {
          result.search = "";
        }
      }
      state = newState;
      tokenIndex += skip;
      componentStart = tokenIndex;
      tokenIncrement = 0;
    };
    const computeProtocolMatchesSpecialScheme = () => {
      if (matchesSpecialScheme(makeComponentString())) protocolMatchesSpecial = true;
    };

    while (tokenIndex < tokens.length) {
      tokenIncrement = 1;
      if (tokens[tokenIndex].type === "end") {
        if (state === "init") {
          rewind();
          if (isHashPrefix()) changeState("hash", 1);
          else if (isSearchPrefix()) {
            changeState("search", 1);
          } else {
            changeState("pathname", 0);
          }
          tokenIndex += tokenIncrement;
          continue;
        }
        if (state === "authority") {
          rewindAndSetState("hostname");
          tokenIndex += tokenIncrement;
          continue;
        }
        changeState("done", 0);
        break;
      }
      if (tokens[tokenIndex].type === "open") {
        groupDepth += 1;
        tokenIndex += tokenIncrement;
        continue;
      }
      if (groupDepth > 0) {
        if (tokens[tokenIndex].type === "close") {
          groupDepth -= 1;
        } else {
          tokenIndex += tokenIncrement;
          continue;
        }
      }
      switch (state) {
        case "init":
          if (isProtocolSuffix()) rewindAndSetState("protocol");
          break;
        case "protocol":
          if (isProtocolSuffix()) {
            computeProtocolMatchesSpecialScheme();
            let nextState = "pathname";
            let skip = 1;
            if (nextIsAuthoritySlashes()) {
              nextState = "authority";
              skip = 3;
            } else if (protocolMatchesSpecial) {
              nextState = "authority";
            }
            changeState(nextState, skip);
          }
          break;
        case "authority":
          if (isIdentityTerminator()) rewindAndSetState("username");
          else if (isPathnameStart() || isSearchPrefix() || isHashPrefix()) rewindAndSetState("hostname");
          break;
        case "username":
          if (isPasswordPrefix()) changeState("password", 1);
          else if (isIdentityTerminator()) changeState("hostname", 1);
          break;
        case "password":
          if (isIdentityTerminator()) changeState("hostname", 1);
          break;
        case "hostname":
          if (isIPv6Open()) ipv6BracketDepth += 1;
          else if (isIPv6Close()) ipv6BracketDepth -= 1;
          else if (isPortPrefix() && ipv6BracketDepth === 0) changeState("port", 1);
          else if (isPathnameStart()) changeState("pathname", 0);
          else if (isSearchPrefix()) changeState("search", 1);
          else if (isHashPrefix()) changeState("hash", 1);
          break;
        case "port":
          if (isPathnameStart()) changeState("pathname", 0);
          else if (isSearchPrefix()) changeState("search", 1);
          else if (isHashPrefix()) changeState("hash", 1);
          break;
        case "pathname":
          if (isSearchPrefix()) changeState("search", 1);
          else if (isHashPrefix()) changeState("hash", 1);
          break;
        case "search":
          if (isHashPrefix()) changeState("hash", 1);
          break;
      }
      tokenIndex += tokenIncrement;
    }
    if ("hostname" in result && !("port" in result)) result.port = "";
    return result;
  }

  internal.parseURLPatternConstructorString = parseConstructorString;
})();
