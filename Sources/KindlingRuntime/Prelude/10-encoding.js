// Kindling prelude: TextEncoder, TextDecoder, atob, btoa.
// Plain ECMAScript, no host functions. Follows the WHATWG Encoding Standard and the HTML
// Standard's forgiving-base64.
(function () {
  "use strict";

  const internal = globalThis[Symbol.for("kindling.internal")];
  const { defineGlobal, exposeMembers, brand, argCount } = internal;

  // ---------------------------------------------------------------- TextEncoder
  // UTF-8 encodes a string, replacing lone surrogates with U+FFFD (USVString conversion).
  function utf8Encode(s) {
    const n = s.length;
    let i = 0;
    // ASCII fast path.
    while (i < n && s.charCodeAt(i) < 0x80) i++;
    if (i === n) {
      const out = new Uint8Array(n);
      for (let j = 0; j < n; j++) out[j] = s.charCodeAt(j);
      return out;
    }
    const out = new Uint8Array(i + (n - i) * 3);
    for (let j = 0; j < i; j++) out[j] = s.charCodeAt(j);
    let o = i;
    for (; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        out[o++] = c;
      } else if (c < 0x800) {
        out[o++] = 0xc0 | (c >> 6);
        out[o++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            out[o++] = 0xf0 | (cp >> 18);
            out[o++] = 0x80 | ((cp >> 12) & 0x3f);
            out[o++] = 0x80 | ((cp >> 6) & 0x3f);
            out[o++] = 0x80 | (cp & 0x3f);
            continue;
          }
          c = 0xfffd;
        }
        out[o++] = 0xe0 | (c >> 12);
        out[o++] = 0x80 | ((c >> 6) & 0x3f);
        out[o++] = 0x80 | (c & 0x3f);
      }
    }
    return o === out.length ? out : out.slice(0, o);
  }
  internal.utf8Encode = utf8Encode;

  class TextEncoder {
    get encoding() {
      return "utf-8";
    }
    encode(input = "") {
      return utf8Encode(String(input));
    }
    encodeInto(source, destination) {
      argCount(arguments.length, 2, "Failed to execute 'encodeInto' on 'TextEncoder'");
      const s = String(source);
      if (!(destination instanceof Uint8Array)) {
        throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': parameter 2 is not of type 'Uint8Array'.");
      }
      const cap = destination.length;
      const n = s.length;
      let read = 0;
      let written = 0;
      while (read < n) {
        let c = s.charCodeAt(read);
        let units = 1;
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = read + 1 < n ? s.charCodeAt(read + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            units = 2;
          } else {
            c = 0xfffd;
          }
        }
        const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (written + size > cap) break;
        if (size === 1) {
          destination[written] = c;
        } else if (size === 2) {
          destination[written] = 0xc0 | (c >> 6);
          destination[written + 1] = 0x80 | (c & 0x3f);
        } else if (size === 3) {
          destination[written] = 0xe0 | (c >> 12);
          destination[written + 1] = 0x80 | ((c >> 6) & 0x3f);
          destination[written + 2] = 0x80 | (c & 0x3f);
        } else {
          destination[written] = 0xf0 | (c >> 18);
          destination[written + 1] = 0x80 | ((c >> 12) & 0x3f);
          destination[written + 2] = 0x80 | ((c >> 6) & 0x3f);
          destination[written + 3] = 0x80 | (c & 0x3f);
        }
        written += size;
        read += units;
      }
      return { read, written };
    }
  }
  exposeMembers(TextEncoder.prototype);
  brand(TextEncoder, "TextEncoder");
  defineGlobal("TextEncoder", TextEncoder);

  // ---------------------------------------------------------------- TextDecoder
  const labels = new Map();
  for (const l of ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"]) {
    labels.set(l, "utf-8");
  }
  for (const l of ["csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le"]) {
    labels.set(l, "utf-16le");
  }
  for (const l of ["unicodefffe", "utf-16be"]) labels.set(l, "utf-16be");
  for (const l of [
    "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1",
    "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252",
  ]) {
    labels.set(l, "windows-1252");
  }
  // windows-1252 bytes 0x80..0x9F (the rest map to themselves).
  const win1252 = [
    0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d,
    0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d,
    0x17e, 0x178,
  ];

  function unitsToString(units, length) {
    if (length <= 4096) return String.fromCharCode.apply(null, length === units.length ? units : units.subarray(0, length));
    let s = "";
    for (let i = 0; i < length; i += 4096) {
      s += String.fromCharCode.apply(null, units.subarray(i, Math.min(i + 4096, length)));
    }
    return s;
  }

  function toBytes(input, what) {
    if (input === undefined) return new Uint8Array(0);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && input instanceof SharedArrayBuffer)) {
      return new Uint8Array(input);
    }
    throw new TypeError(`${what}: The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.`);
  }
  internal.toBytes = toBytes;

  // Decodes complete UTF-8 quickly when the bytes are valid and no state is pending; returns null otherwise.
  function decodeAsciiFast(bytes) {
    const n = bytes.length;
    for (let i = 0; i < n; i++) if (bytes[i] >= 0x80) return null;
    return unitsToString(bytes, n);
  }

  class TextDecoder {
    #encoding;
    #fatal;
    #ignoreBOM;
    #bomSeen = false;
    #doNotFlush = false;
    // UTF-8 decoder state (Encoding Standard §8.1.1).
    #cp = 0;
    #needed = 0;
    #seen = 0;
    #lower = 0x80;
    #upper = 0xbf;
    // UTF-16 pending lead byte / lead surrogate.
    #leadByte = -1;
    #leadSurrogate = -1;

    constructor(label = "utf-8", options = undefined) {
      const key = String(label).trim().toLowerCase();
      const encoding = labels.get(key);
      if (encoding === undefined) {
        throw new RangeError(`Failed to construct 'TextDecoder': The encoding label provided ('${label}') is invalid.`);
      }
      this.#encoding = encoding;
      this.#fatal = options != null && Boolean(options.fatal);
      this.#ignoreBOM = options != null && Boolean(options.ignoreBOM);
    }
    get encoding() {
      return this.#encoding;
    }
    get fatal() {
      return this.#fatal;
    }
    get ignoreBOM() {
      return this.#ignoreBOM;
    }

    decode(input = undefined, options = undefined) {
      const bytes = toBytes(input, "Failed to execute 'decode' on 'TextDecoder'");
      if (!this.#doNotFlush) {
        this.#bomSeen = false;
        this.#cp = this.#needed = this.#seen = 0;
        this.#lower = 0x80;
        this.#upper = 0xbf;
        this.#leadByte = this.#leadSurrogate = -1;
      }
      const stream = options != null && Boolean(options.stream);
      this.#doNotFlush = stream;
      let out;
      if (this.#encoding === "utf-8") {
        out = this.#needed === 0 ? decodeAsciiFast(bytes) : null;
        if (out === null) out = this.#utf8(bytes, !stream);
      } else if (this.#encoding === "windows-1252") {
        const units = new Uint16Array(bytes.length);
        for (let i = 0; i < bytes.length; i++) {
          const b = bytes[i];
          units[i] = b >= 0x80 && b <= 0x9f ? win1252[b - 0x80] : b;
        }
        out = unitsToString(units, bytes.length);
      } else {
        out = this.#utf16(bytes, !stream, this.#encoding === "utf-16be");
      }
      if (!this.#bomSeen && out.length > 0) {
        this.#bomSeen = true;
        if (!this.#ignoreBOM && this.#encoding !== "windows-1252" && out.charCodeAt(0) === 0xfeff) out = out.slice(1);
      }
      return out;
    }

    #fail() {
      this.#cp = this.#needed = this.#seen = 0;
      this.#lower = 0x80;
      this.#upper = 0xbf;
      this.#leadByte = this.#leadSurrogate = -1;
      this.#doNotFlush = false;
      throw new TypeError(`Failed to execute 'decode' on 'TextDecoder': The encoded data was not valid for encoding ${this.#encoding}`);
    }

    #utf8(bytes, flush) {
      const n = bytes.length;
      const units = new Uint16Array(n + 3);
      let o = 0;
      let cp = this.#cp, needed = this.#needed, seen = this.#seen, lower = this.#lower, upper = this.#upper;
      const fatal = this.#fatal;
      for (let i = 0; i < n; i++) {
        const b = bytes[i];
        if (needed === 0) {
          if (b < 0x80) {
            units[o++] = b;
          } else if (b >= 0xc2 && b <= 0xdf) {
            needed = 1;
            cp = b & 0x1f;
          } else if (b >= 0xe0 && b <= 0xef) {
            if (b === 0xe0) lower = 0xa0;
            if (b === 0xed) upper = 0x9f;
            needed = 2;
            cp = b & 0xf;
          } else if (b >= 0xf0 && b <= 0xf4) {
            if (b === 0xf0) lower = 0x90;
            if (b === 0xf4) upper = 0x8f;
            needed = 3;
            cp = b & 0x7;
          } else {
            if (fatal) this.#fail();
            units[o++] = 0xfffd;
          }
          continue;
        }
        if (b < lower || b > upper) {
          cp = needed = seen = 0;
          lower = 0x80;
          upper = 0xbf;
          if (fatal) this.#fail();
          units[o++] = 0xfffd;
          i--; // reprocess this byte
          continue;
        }
        lower = 0x80;
        upper = 0xbf;
        cp = (cp << 6) | (b & 0x3f);
        seen++;
        if (seen !== needed) continue;
        if (cp >= 0x10000) {
          cp -= 0x10000;
          units[o++] = 0xd800 + (cp >> 10);
          units[o++] = 0xdc00 + (cp & 0x3ff);
        } else {
          units[o++] = cp;
        }
        cp = needed = seen = 0;
      }
      if (flush && needed !== 0) {
        cp = needed = seen = 0;
        lower = 0x80;
        upper = 0xbf;
        if (fatal) this.#fail();
        units[o++] = 0xfffd;
      }
      this.#cp = cp;
      this.#needed = needed;
      this.#seen = seen;
      this.#lower = lower;
      this.#upper = upper;
      return unitsToString(units, o);
    }

    #utf16(bytes, flush, bigEndian) {
      const units = new Uint16Array(bytes.length + 2);
      let o = 0;
      let leadByte = this.#leadByte;
      let leadSurrogate = this.#leadSurrogate;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (leadByte < 0) {
          leadByte = b;
          continue;
        }
        const unit = bigEndian ? (leadByte << 8) | b : (b << 8) | leadByte;
        leadByte = -1;
        if (leadSurrogate >= 0) {
          const lead = leadSurrogate;
          leadSurrogate = -1;
          if (unit >= 0xdc00 && unit <= 0xdfff) {
            units[o++] = lead;
            units[o++] = unit;
            continue;
          }
          if (this.#fatal) this.#fail();
          units[o++] = 0xfffd;
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
          leadSurrogate = unit;
        } else if (unit >= 0xdc00 && unit <= 0xdfff) {
          if (this.#fatal) this.#fail();
          units[o++] = 0xfffd;
        } else {
          units[o++] = unit;
        }
      }
      if (flush && (leadByte >= 0 || leadSurrogate >= 0)) {
        leadByte = leadSurrogate = -1;
        if (this.#fatal) this.#fail();
        units[o++] = 0xfffd;
      }
      this.#leadByte = leadByte;
      this.#leadSurrogate = leadSurrogate;
      return unitsToString(units, o);
    }
  }
  exposeMembers(TextDecoder.prototype);
  brand(TextDecoder, "TextDecoder");
  defineGlobal("TextDecoder", TextDecoder);
  internal.TextDecoder = TextDecoder; // for TextDecoderStream, safe from a worker replacing the global

  // One-shot UTF-8 decode with replacement, BOM not stripped (used by Body.text after stripping).
  const sharedDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
  internal.utf8Decode = (bytes) => sharedDecoder.decode(bytes);

  // ---------------------------------------------------------------- atob / btoa
  const b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const b64values = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) b64values[b64chars.charCodeAt(i)] = i;

  function atob(data) {
    argCount(arguments.length, 1, "Failed to execute 'atob' on 'WorkerGlobalScope'");
    let s = String(data).replace(/[\t\n\f\r ]+/g, "");
    if (s.length % 4 === 0) {
      if (s.endsWith("==")) s = s.slice(0, -2);
      else if (s.endsWith("=")) s = s.slice(0, -1);
    }
    const invalid = () =>
      new DOMException(
        "atob() called with invalid base64-encoded data. (Only whitespace, '+', '/', alphanumeric ASCII, and up to two terminal '=' signs when the input data length is divisible by 4 are allowed.)",
        "InvalidCharacterError",
      );
    if (s.length % 4 === 1) throw invalid();
    let out = "";
    let buffer = 0;
    let bits = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const v = c < 128 ? b64values[c] : -1;
      if (v < 0) throw invalid();
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buffer >> bits) & 0xff);
      }
    }
    return out;
  }

  function btoa(data) {
    argCount(arguments.length, 1, "Failed to execute 'btoa' on 'WorkerGlobalScope'");
    const s = String(data);
    let out = "";
    const n = s.length;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) > 0xff) {
        throw new DOMException(
          "btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range.",
          "InvalidCharacterError",
        );
      }
    }
    for (let i = 0; i < n; i += 3) {
      const a = s.charCodeAt(i);
      const b = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      const c = i + 2 < n ? s.charCodeAt(i + 2) : 0;
      const triple = (a << 16) | (b << 8) | c;
      out += b64chars[(triple >> 18) & 63] + b64chars[(triple >> 12) & 63];
      out += i + 1 < n ? b64chars[(triple >> 6) & 63] : "=";
      out += i + 2 < n ? b64chars[triple & 63] : "=";
    }
    return out;
  }
  defineGlobal("atob", atob);
  defineGlobal("btoa", btoa);
})();
