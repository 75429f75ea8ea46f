// Kindling prelude: FormData (XHR Standard §4.3) with workerd's body handling: a FormData body is
// serialised as multipart/form-data with a random boundary, and Body.formData() parses
// multipart/form-data (files become File objects) and application/x-www-form-urlencoded, with
// workerd's error texts.
// Internal API: internal.parseFormData(bytes, contentType) → FormData (throws TypeError).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];

  // "Create an entry": a Blob that is not a File becomes a File named "blob" (or filename).
  function makeEntry(name, value, filename, argCount) {
    name = internal.toUSV(name);
    if (internal.isBlob(value)) {
      if (filename !== undefined) filename = internal.toUSV(filename);
      else if (!internal.isFile(value)) filename = "blob";
      if (filename !== undefined) {
        const options = { type: value.type };
        if (internal.isFile(value)) options.lastModified = value.lastModified;
        value = new File([value], filename, options);
      }
      return [name, value];
    }
    if (argCount > 2) {
      throw new TypeError("Failed to execute 'append' on 'FormData': parameter 2 is not of type 'Blob'.");
    }
    return [name, internal.toUSV(value)];
  }

  class FormData {
    #entries = [];

    constructor(form = undefined) {
      if (form !== undefined) {
        throw new TypeError("Failed to construct 'FormData': parameter 1 is not of type 'HTMLFormElement'.");
      }
    }

    static #check(self) {
      if (self === null || typeof self !== "object" || !(#entries in self)) throw new TypeError("Illegal invocation");
      return self.#entries;
    }

    static {
      internal.isFormData = (v) => v !== null && typeof v === "object" && #entries in v;
      internal.formDataEntries = (f) => f.#entries;
    }

    append(name, value, filename = undefined) {
      const entries = FormData.#check(this);
      internal.argCount(arguments.length, 2, "Failed to execute 'append' on 'FormData'");
      entries.push(makeEntry(name, value, filename, arguments.length));
    }
    delete(name) {
      const entries = FormData.#check(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'delete' on 'FormData'");
      name = internal.toUSV(name);
      for (let i = entries.length - 1; i >= 0; i--) if (entries[i][0] === name) entries.splice(i, 1);
    }
    get(name) {
      const entries = FormData.#check(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'get' on 'FormData'");
      name = internal.toUSV(name);
      for (const entry of entries) if (entry[0] === name) return entry[1];
      return null;
    }
    getAll(name) {
      const entries = FormData.#check(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'getAll' on 'FormData'");
      name = internal.toUSV(name);
      return entries.filter((entry) => entry[0] === name).map((entry) => entry[1]);
    }
    has(name) {
      const entries = FormData.#check(this);
      internal.argCount(arguments.length, 1, "Failed to execute 'has' on 'FormData'");
      name = internal.toUSV(name);
      return entries.some((entry) => entry[0] === name);
    }
    set(name, value, filename = undefined) {
      const entries = FormData.#check(this);
      internal.argCount(arguments.length, 2, "Failed to execute 'set' on 'FormData'");
      const entry = makeEntry(name, value, filename, arguments.length);
      const first = entries.findIndex((e) => e[0] === entry[0]);
      if (first < 0) {
        entries.push(entry);
        return;
      }
      entries[first] = entry;
      for (let i = entries.length - 1; i > first; i--) if (entries[i][0] === entry[0]) entries.splice(i, 1);
    }
    forEach(callback, thisArg = undefined) {
      const entries = FormData.#check(this);
      if (typeof callback !== "function") {
        throw new TypeError("Failed to execute 'forEach' on 'FormData': parameter 1 is not of type 'Function'.");
      }
      for (let i = 0; i < entries.length; i++) callback.call(thisArg, entries[i][1], entries[i][0], this);
    }
    entries() {
      return makeIterator(FormData.#check(this), "entries");
    }
    keys() {
      return makeIterator(FormData.#check(this), "keys");
    }
    values() {
      return makeIterator(FormData.#check(this), "values");
    }
  }

  // Live iterators over the entry list, as Web IDL's pair iterators are.
  const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
  const FormDataIteratorPrototype = Object.create(iteratorPrototype);
  const iteratorState = new WeakMap();
  function makeIterator(entries, kind) {
    const it = Object.create(FormDataIteratorPrototype);
    iteratorState.set(it, { entries, kind, index: 0 });
    return it;
  }
  Object.defineProperty(FormDataIteratorPrototype, "next", {
    value: function next() {
      const state = iteratorState.get(this);
      if (state === undefined) throw new TypeError("Illegal invocation");
      if (state.index >= state.entries.length) return { value: undefined, done: true };
      const [name, value] = state.entries[state.index++];
      return { value: state.kind === "keys" ? name : state.kind === "values" ? value : [name, value], done: false };
    },
    writable: true, enumerable: true, configurable: true,
  });
  Object.defineProperty(FormDataIteratorPrototype, Symbol.toStringTag, { value: "FormData Iterator", configurable: true });

  internal.exposeMembers(FormData.prototype);
  Object.defineProperty(FormData.prototype, Symbol.iterator, {
    value: FormData.prototype.entries, writable: true, enumerable: false, configurable: true,
  });
  internal.brand(FormData, "FormData");

  // ---------------------------------------------------------------- multipart/form-data
  const escapeQuoted = (s) => s.replace(/[\n\r"]/g, (c) => (c === "\n" ? "%0A" : c === "\r" ? "%0D" : "%22"));

  function randomBoundary() {
    const bytes = new Uint8Array(16);
    if (typeof crypto === "object" && crypto !== null && typeof crypto.getRandomValues === "function") {
      crypto.getRandomValues(bytes);
    } else {
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    let hex = "";
    for (const b of bytes) hex += (b < 16 ? "0" : "") + b.toString(16);
    return hex;
  }

  function serialize(entries, boundary) {
    const parts = [];
    for (const [name, value] of entries) {
      if (name.endsWith("\\") || (typeof value !== "string" && value.name.endsWith("\\"))) {
        throw new TypeError("Name or filename can't end with backslash");
      }
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(name.replace(/\r\n|\r|\n/g, "\r\n"))}"`;
      if (typeof value === "string") {
        parts.push(`${head}\r\n\r\n${value.replace(/\r\n|\r|\n/g, "\r\n")}\r\n`);
      } else {
        head += `; filename="${escapeQuoted(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
        parts.push(head, value, "\r\n");
      }
    }
    parts.push(`--${boundary}--\r\n`);
    return internal.blobBytes(new Blob(parts));
  }

  const previousHook = internal.extractBodyHook;
  internal.extractBodyHook = (init) => {
    if (internal.isFormData(init)) {
      const boundary = randomBoundary();
      return [serialize(internal.formDataEntries(init), boundary), `multipart/form-data; boundary=${boundary}`];
    }
    return previousHook === undefined ? undefined : previousHook(init);
  };

  function indexOfBytes(haystack, needle, from) {
    const first = needle[0];
    const last = haystack.length - needle.length;
    outer: for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
      for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  // A MIME parameter's value from a header such as `form-data; name="a"; filename=b`.
  function parameter(header, key) {
    const re = new RegExp(`;\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, "i");
    const m = re.exec(header);
    if (m === null) return undefined;
    // Backslashes in a quoted value are kept as they are, as workerd does.
    return m[1] !== undefined ? m[1] : m[2];
  }

  function parseMultipart(bytes, contentType, form) {
    const boundary = parameter(contentType, "boundary");
    if (boundary === undefined) {
      throw new TypeError(
        "No boundary string in Content-Type header. The multipart/form-data MIME type requires a boundary parameter, e.g. 'Content-Type: multipart/form-data; boundary=\"abcd\"'. See RFC 7578, section 4.",
      );
    }
    if (boundary.length < 1 || boundary.length > 70) {
      throw new TypeError("Length of multipart/form-data boundary string must be in the range [1, 70].");
    }
    const delimiter = internal.utf8Encode(`--${boundary}`);
    const next = internal.utf8Encode(`\n--${boundary}`);
    let pos = indexOfBytes(bytes, delimiter, 0);
    if (pos < 0) throw new TypeError("No initial boundary string (or you have a truncated message).");
    pos += delimiter.length;
    // Line breaks may be CRLF or a bare LF anywhere, as workerd accepts.
    for (;;) {
      if (bytes[pos] === 0x2d && bytes[pos + 1] === 0x2d) return form;
      if (bytes[pos] === 0x0d && bytes[pos + 1] === 0x0a) pos += 2;
      else if (bytes[pos] === 0x0a) pos += 1;
      else throw new TypeError("Boundary was not succeeded by CRLF, LF, or '--'.");
      // The header block ends at the first empty line: "\n\n" or "\n\r\n" (searched from the
      // line break that ended the boundary line, so an empty block is found too).
      const lf = indexOfBytes(bytes, LF_LF, pos - 1);
      const lfcrlf = indexOfBytes(bytes, LF_CR_LF, pos - 1);
      const end = lf < 0 ? lfcrlf : lfcrlf < 0 ? lf : Math.min(lf, lfcrlf);
      if (end < 0) throw new TypeError("No multipart message header termination found.");
      const headers = new Map();
      const block = end < pos ? "" : internal.utf8Decode(bytes.subarray(pos, end));
      for (const line of block.split(/\r?\n/)) {
        if (line === "" || line === "\r") continue;
        const colon = line.indexOf(":");
        if (colon <= 0) throw new TypeError("FormData part had invalid headers.");
        headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const disposition = headers.get("content-disposition");
      if (disposition === undefined) throw new TypeError("No valid Content-Disposition header found in FormData part.");
      if (!/^form-data\s*(;|$)/i.test(disposition)) {
        throw new TypeError(
          `Content-Disposition header for FormData part must have the value "form-data", possibly followed by parameters. Got: "${disposition}"`,
        );
      }
      const name = parameter(disposition, "name");
      if (name === undefined) throw new TypeError("Content-Disposition header in FormData part is missing a name.");
      const filename = parameter(disposition, "filename");
      const start = end + (end === lf ? 2 : 3);
      const stop = indexOfBytes(bytes, next, start);
      if (stop < 0) throw new TypeError("No subsequent boundary string after multipart message.");
      const contentEnd = stop > start && bytes[stop - 1] === 0x0d ? stop - 1 : stop;
      const content = bytes.subarray(start, contentEnd);
      if (filename === undefined) {
        form.append(name, internal.utf8Decode(content));
      } else {
        form.append(name, new File([content], filename, { type: headers.get("content-type") ?? "" }));
      }
      pos = stop + next.length;
    }
  }
  const LF_LF = new Uint8Array([0x0a, 0x0a]);
  const LF_CR_LF = new Uint8Array([0x0a, 0x0d, 0x0a]);

  internal.parseFormData = function (bytes, contentType) {
    const form = new FormData();
    const essence = contentType.split(";")[0].trim().toLowerCase();
    if (essence === "multipart/form-data") return parseMultipart(bytes, contentType, form);
    if (essence === "application/x-www-form-urlencoded") {
      const charset = parameter(contentType, "charset");
      if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
        throw new TypeError(`Unsupported charset in a form-urlencoded body: "${charset}"; only UTF-8 is supported.`);
      }
      for (const [name, value] of internal.formURLDecode(internal.utf8Decode(bytes))) form.append(name, value);
      return form;
    }
    throw new TypeError(
      "Unrecognized Content-Type header value. FormData can only parse the following MIME types: multipart/form-data, application/x-www-form-urlencoded",
    );
  };

  internal.registerUncloneable(internal.isFormData);
  internal.defineGlobal("FormData", FormData);
})();
