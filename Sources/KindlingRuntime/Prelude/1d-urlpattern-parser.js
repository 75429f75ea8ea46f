// Kindling prelude: the pattern-string half of URLPattern (WHATWG URL Pattern Standard §2): the tokenizer, the
// pattern parser that turns a component's pattern string into a part list, and the two generators that turn a
// part list back into a regular expression (with its group names) and into the normalized pattern string.
// Plain ECMAScript. Strings are handled as arrays of code points, as the standard counts positions in code points.
//
// For 1d-urlpattern.js: internal.urlPatternParser = { tokenize, parsePatternString, generateRegExp,
// generatePatternString, escapePatternString, isValidNameCodePoint }.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];

  const ID_START = /^[\p{ID_Start}$_]$/u;
  const ID_CONTINUE = /^[\p{ID_Continue}$\u200C\u200D]$/u;
  // Whether code point (a one-code-point string) may appear in a :name, first or later.
  const isValidNameCodePoint = (cp, first) => (first ? ID_START : ID_CONTINUE).test(cp);
  const isASCII = (cp) => cp.codePointAt(0) < 0x80;
  const patternError = (message) => new TypeError(`Failed to construct 'URLPattern': Invalid pattern: ${message}.`);

  // --- tokenizer --------------------------------------------------------------------------------------------
  // Tokens are { type, index, value }; index is a code point position in the input. Under the "strict" policy
  // a malformed piece throws; under "lenient" it becomes an "invalid-char" token.
  function tokenize(input, policy) {
    const cps = Array.from(input);
    const length = cps.length;
    const tokens = [];
    let index = 0;
    let nextIndex = 0;
    let cp = "";
    const getNext = () => { cp = cps[nextIndex]; nextIndex += 1; };
    const seek = (position) => { nextIndex = position; getNext(); };
    const add = (type, nextPosition, valuePosition, valueLength) => {
      tokens.push({ type, index, value: cps.slice(valuePosition, valuePosition + valueLength).join("") });
      index = nextPosition;
    };
    const addWithDefaultLength = (type, nextPosition, valuePosition) =>
      add(type, nextPosition, valuePosition, nextPosition - valuePosition);
    const addSimple = (type) => addWithDefaultLength(type, nextIndex, index);
    const error = (nextPosition, valuePosition, what) => {
      if (policy === "strict") throw patternError(`${what} at position ${valuePosition} of "${input}"`);
      addWithDefaultLength("invalid-char", nextPosition, valuePosition);
    };

    while (index < length) {
      seek(index);
      if (cp === "*") { addSimple("asterisk"); continue; }
      if (cp === "+" || cp === "?") { addSimple("other-modifier"); continue; }
      if (cp === "\\") {
        if (index === length - 1) { error(nextIndex, index, "a trailing backslash"); continue; }
        const escapedIndex = nextIndex;
        getNext();
        addWithDefaultLength("escaped-char", nextIndex, escapedIndex);
        continue;
      }
      if (cp === "{") { addSimple("open"); continue; }
      if (cp === "}") { addSimple("close"); continue; }
      if (cp === ":") {
        let namePosition = nextIndex;
        const nameStart = namePosition;
        while (namePosition < length) {
          seek(namePosition);
          if (!isValidNameCodePoint(cp, namePosition === nameStart)) break;
          namePosition = nextIndex;
        }
        if (namePosition <= nameStart) { error(nameStart, index, "a missing group name"); continue; }
        addWithDefaultLength("name", namePosition, nameStart);
        continue;
      }
      if (cp === "(") {
        let depth = 1;
        let regexpPosition = nextIndex;
        const regexpStart = regexpPosition;
        let failed = false;
        while (regexpPosition < length) {
          seek(regexpPosition);
          if (!isASCII(cp)) { error(regexpStart, index, "a non-ASCII character in a regular expression group"); failed = true; break; }
          if (regexpPosition === regexpStart && cp === "?") { error(regexpStart, index, "a regular expression group starting with '?'"); failed = true; break; }
          if (cp === "\\") {
            if (regexpPosition === length - 1) { error(regexpStart, index, "an unterminated regular expression group"); failed = true; break; }
            getNext();
            if (!isASCII(cp)) { error(regexpStart, index, "a non-ASCII character in a regular expression group"); failed = true; break; }
            regexpPosition = nextIndex;
            continue;
          }
          if (cp === ")") {
            depth -= 1;
            if (depth === 0) { regexpPosition = nextIndex; break; }
          } else if (cp === "(") {
            depth += 1;
            if (regexpPosition === length - 1) { error(regexpStart, index, "an unterminated regular expression group"); failed = true; break; }
            const temporaryPosition = nextIndex;
            getNext();
            if (cp !== "?") { error(regexpStart, index, "a capturing group inside a regular expression group"); failed = true; break; }
            nextIndex = temporaryPosition;
          }
          regexpPosition = nextIndex;
        }
        if (failed) continue;
        if (depth !== 0) { error(regexpStart, index, "an unterminated regular expression group"); continue; }
        const regexpLength = regexpPosition - regexpStart - 1;
        if (regexpLength === 0) { error(regexpStart, index, "an empty regular expression group"); continue; }
        add("regexp", regexpPosition, regexpStart, regexpLength);
        continue;
      }
      addSimple("char");
    }
    addWithDefaultLength("end", index, index);
    return tokens;
  }

  // --- pattern parser ---------------------------------------------------------------------------------------
  const FULL_WILDCARD = ".*";

  function escapeRegExpString(input) {
    return input.replace(/[.+*?^${}()[\]|/\\]/g, "\\$&");
  }
  function escapePatternString(input) {
    return input.replace(/[+*?:{}()\\]/g, "\\$&");
  }
  function segmentWildcardRegExp(options) {
    return `[^${escapeRegExpString(options.delimiter)}]+?`;
  }
  function modifierString(modifier) {
    switch (modifier) {
      case "zero-or-more": return "*";
      case "optional": return "?";
      case "one-or-more": return "+";
      default: return "";
    }
  }

  // A part is { type: "fixed-text" | "regexp" | "segment-wildcard" | "full-wildcard", value, modifier: "none" |
  // "optional" | "zero-or-more" | "one-or-more", name, prefix, suffix }. encode is the component's encoding
  // callback, applied to every piece of fixed text.
  function parsePatternString(input, options, encode) {
    const tokens = tokenize(input, "strict");
    const segmentWildcard = segmentWildcardRegExp(options);
    const parts = [];
    let pending = "";
    let index = 0;
    let nextNumericName = 0;

    const tryConsume = (type) => {
      const token = tokens[index];
      if (token.type !== type) return null;
      index += 1;
      return token;
    };
    const tryConsumeModifier = () => tryConsume("other-modifier") || tryConsume("asterisk");
    const tryConsumeRegExpOrWildcard = (nameToken) => {
      const token = tryConsume("regexp");
      return nameToken === null && token === null ? tryConsume("asterisk") : token;
    };
    const consumeRequired = (type) => {
      const token = tryConsume(type);
      if (token === null) {
        const found = tokens[index];
        throw patternError(`expected ${type === "end" ? "the end" : `'${type === "close" ? "}" : type}'`} but found ${found.type === "end" ? "the end" : `'${found.value}'`} at position ${found.index} of "${input}"`);
      }
      return token;
    };
    const consumeText = () => {
      let result = "";
      for (;;) {
        const token = tryConsume("char") || tryConsume("escaped-char");
        if (token === null) return result;
        result += token.value;
      }
    };
    const flushPending = () => {
      if (pending === "") return;
      const value = encode(pending);
      pending = "";
      parts.push({ type: "fixed-text", value, modifier: "none", name: "", prefix: "", suffix: "" });
    };
    const addPart = (prefix, nameToken, regexpOrWildcardToken, suffix, modifierToken) => {
      let modifier = "none";
      if (modifierToken !== null) {
        modifier = modifierToken.value === "?" ? "optional" : modifierToken.value === "*" ? "zero-or-more" : "one-or-more";
      }
      if (nameToken === null && regexpOrWildcardToken === null && modifier === "none") {
        pending += prefix;
        return;
      }
      flushPending();
      if (nameToken === null && regexpOrWildcardToken === null) {
        if (prefix === "") return;
        parts.push({ type: "fixed-text", value: encode(prefix), modifier, name: "", prefix: "", suffix: "" });
        return;
      }
      let value;
      if (regexpOrWildcardToken === null) value = segmentWildcard;
      else if (regexpOrWildcardToken.type === "asterisk") value = FULL_WILDCARD;
      else value = regexpOrWildcardToken.value;
      let type = "regexp";
      if (value === segmentWildcard) {
        type = "segment-wildcard";
        value = "";
      } else if (value === FULL_WILDCARD) {
        type = "full-wildcard";
        value = "";
      }
      let name = "";
      if (nameToken !== null) {
        name = nameToken.value;
      } else {
        name = String(nextNumericName);
        nextNumericName += 1;
      }
      if (parts.some((part) => part.name === name)) throw patternError(`the group name "${name}" is used twice in "${input}"`);
      parts.push({ type, value, modifier, name, prefix: encode(prefix), suffix: encode(suffix) });
    };

    while (index < tokens.length) {
      const charToken = tryConsume("char");
      let nameToken = tryConsume("name");
      let regexpOrWildcardToken = tryConsumeRegExpOrWildcard(nameToken);
      if (nameToken !== null || regexpOrWildcardToken !== null) {
        let prefix = charToken !== null ? charToken.value : "";
        if (prefix !== "" && prefix !== options.prefix) {
          pending += prefix;
          prefix = "";
        }
        flushPending();
        addPart(prefix, nameToken, regexpOrWildcardToken, "", tryConsumeModifier());
        continue;
      }
      const fixedToken = charToken || tryConsume("escaped-char");
      if (fixedToken !== null) {
        pending += fixedToken.value;
        continue;
      }
      if (tryConsume("open") !== null) {
        const prefix = consumeText();
        nameToken = tryConsume("name");
        regexpOrWildcardToken = tryConsumeRegExpOrWildcard(nameToken);
        const suffix = consumeText();
        consumeRequired("close");
        addPart(prefix, nameToken, regexpOrWildcardToken, suffix, tryConsumeModifier());
        continue;
      }
      flushPending();
      consumeRequired("end");
    }
    return parts;
  }

  // --- generators -------------------------------------------------------------------------------------------
  // The regular expression source (anchored) and the group names, in capture order.
  function generateRegExp(parts, options) {
    let result = "^";
    const names = [];
    for (const part of parts) {
      if (part.type === "fixed-text") {
        if (part.modifier === "none") result += escapeRegExpString(part.value);
        else result += `(?:${escapeRegExpString(part.value)})${modifierString(part.modifier)}`;
        continue;
      }
      names.push(part.name);
      let value = part.value;
      if (part.type === "segment-wildcard") value = segmentWildcardRegExp(options);
      else if (part.type === "full-wildcard") value = FULL_WILDCARD;
      const modifier = modifierString(part.modifier);
      if (part.prefix === "" && part.suffix === "") {
        if (part.modifier === "none" || part.modifier === "optional") result += `(${value})${modifier}`;
        else result += `((?:${value})${modifier})`;
        continue;
      }
      const prefix = escapeRegExpString(part.prefix);
      const suffix = escapeRegExpString(part.suffix);
      if (part.modifier === "none" || part.modifier === "optional") {
        result += `(?:${prefix}(${value})${suffix})${modifier}`;
        continue;
      }
      result += `(?:${prefix}((?:${value})(?:${suffix}${prefix}(?:${value}))*)${suffix})`;
      if (part.modifier === "zero-or-more") result += "?";
    }
    return { source: result + "$", names };
  }

  const isASCIIDigit = (c) => c !== undefined && c >= "0" && c <= "9";

  // The normalized pattern string of a part list.
  function generatePatternString(parts, options) {
    let result = "";
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const previous = i > 0 ? parts[i - 1] : null;
      const next = i < parts.length - 1 ? parts[i + 1] : null;
      if (part.type === "fixed-text") {
        if (part.modifier === "none") result += escapePatternString(part.value);
        else result += `{${escapePatternString(part.value)}}${modifierString(part.modifier)}`;
        continue;
      }
      const customName = !isASCIIDigit(part.name[0]);
      let needsGrouping = part.suffix !== "" || (part.prefix !== "" && part.prefix !== options.prefix);
      if (!needsGrouping && customName && part.type === "segment-wildcard" && part.modifier === "none" &&
        next !== null && next.prefix === "" && next.suffix === "") {
        if (next.type === "fixed-text") {
          const first = Array.from(next.value)[0];
          needsGrouping = first !== undefined && isValidNameCodePoint(first, false);
        } else {
          needsGrouping = isASCIIDigit(next.name[0]);
        }
      }
      if (!needsGrouping && part.prefix === "" && previous !== null && previous.type === "fixed-text" &&
        previous.value !== "" && Array.from(previous.value).at(-1) === options.prefix) {
        needsGrouping = true;
      }
      if (needsGrouping) result += "{";
      result += escapePatternString(part.prefix);
      if (customName) result += ":" + part.name;
      if (part.type === "regexp") {
        result += `(${part.value})`;
      } else if (part.type === "segment-wildcard" && !customName) {
        result += `(${segmentWildcardRegExp(options)})`;
      } else if (part.type === "full-wildcard") {
        if (!customName && (previous === null || previous.type === "fixed-text" || previous.modifier !== "none" ||
          needsGrouping || part.prefix !== "")) {
          result += "*";
        } else {
          result += `(${FULL_WILDCARD})`;
        }
      }
      if (part.type === "segment-wildcard" && customName && part.suffix !== "" &&
        isValidNameCodePoint(Array.from(part.suffix)[0], false)) {
        result += "\\";
      }
      result += escapePatternString(part.suffix);
      if (needsGrouping) result += "}";
      result += modifierString(part.modifier);
    }
    return result;
  }

  internal.urlPatternParser = {
    tokenize, parsePatternString, generateRegExp, generatePatternString, escapePatternString, isValidNameCodePoint,
  };
})();
