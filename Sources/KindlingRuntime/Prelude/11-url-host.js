// Kindling prelude: the host half of the WHATWG URL Standard (§3): host parsing and serialising,
// IPv4 (with its hex/octal/short number forms) and IPv6, opaque hosts, and domain-to-ASCII.
// Domain-to-ASCII implements RFC 3492 punycode and an approximation of UTS #46 processing
// (Nontransitional, CheckHyphens=false, UseSTD3ASCIIRules=false): the mapping step is NFKC +
// lower-casing + a table of "ignored" code points instead of the full IDNA mapping table, and the
// Bidi/ContextJ rules are approximated. Exposes internal.parseHost(input, isOpaque) → string|null
// (the serialised host, or null on failure).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];

  // ------------------------------------------------------------------ punycode (RFC 3492)
  const BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700, INITIAL_BIAS = 72, INITIAL_N = 128;
  const MAX_INT = 0x7fffffff;

  function adapt(delta, numPoints, firstTime) {
    delta = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
    delta += Math.floor(delta / numPoints);
    let k = 0;
    while (delta > ((BASE - TMIN) * TMAX) >> 1) {
      delta = Math.floor(delta / (BASE - TMIN));
      k += BASE;
    }
    return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW));
  }
  const digitChar = (d) => String.fromCharCode(d < 26 ? d + 97 : d + 22);
  function digitValue(c) {
    if (c >= 0x30 && c <= 0x39) return c - 22;
    if (c >= 0x41 && c <= 0x5a) return c - 0x41;
    if (c >= 0x61 && c <= 0x7a) return c - 0x61;
    return -1;
  }

  // Encodes a label (string) to punycode, without the "xn--" prefix; null on overflow.
  function punycodeEncode(label) {
    const cps = Array.from(label, (ch) => ch.codePointAt(0));
    let output = "";
    for (const c of cps) if (c < 0x80) output += String.fromCharCode(c);
    const b = output.length;
    let h = b;
    if (b > 0) output += "-";
    let n = INITIAL_N, delta = 0, bias = INITIAL_BIAS;
    while (h < cps.length) {
      let m = Infinity;
      for (const c of cps) if (c >= n && c < m) m = c;
      if ((m - n) * (h + 1) > MAX_INT - delta) return null;
      delta += (m - n) * (h + 1);
      n = m;
      for (const c of cps) {
        if (c < n && ++delta > MAX_INT) return null;
        if (c === n) {
          let q = delta;
          for (let k = BASE; ; k += BASE) {
            const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
            if (q < t) break;
            output += digitChar(t + ((q - t) % (BASE - t)));
            q = Math.floor((q - t) / (BASE - t));
          }
          output += digitChar(q);
          bias = adapt(delta, h + 1, h === b);
          delta = 0;
          h++;
        }
      }
      delta++;
      n++;
    }
    return output;
  }

  // Decodes punycode (without "xn--") to a string; null when malformed.
  function punycodeDecode(input) {
    let b = input.lastIndexOf("-");
    if (b < 0) b = 0;
    const output = [];
    for (let j = 0; j < b; j++) {
      const c = input.charCodeAt(j);
      if (c >= 0x80) return null;
      output.push(c);
    }
    let n = INITIAL_N, i = 0, bias = INITIAL_BIAS;
    for (let pos = b > 0 ? b + 1 : 0; pos < input.length; ) {
      const oldi = i;
      let w = 1;
      for (let k = BASE; ; k += BASE) {
        if (pos >= input.length) return null;
        const digit = digitValue(input.charCodeAt(pos++));
        if (digit < 0) return null;
        if (digit > Math.floor((MAX_INT - i) / w)) return null;
        i += digit * w;
        const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
        if (digit < t) break;
        if (w > Math.floor(MAX_INT / (BASE - t))) return null;
        w *= BASE - t;
      }
      const len = output.length + 1;
      bias = adapt(i - oldi, len, oldi === 0);
      if (Math.floor(i / len) > MAX_INT - n) return null;
      n += Math.floor(i / len);
      i %= len;
      if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null;
      output.splice(i, 0, n);
      i++;
    }
    return String.fromCodePoint(...output);
  }
  internal.punycode = { encode: punycodeEncode, decode: punycodeDecode };

  // ------------------------------------------------------------------ UTS #46 (approximate)
  // Code points UTS #46 maps to nothing ("ignored").
  const IGNORED = /[\u00ad\u034f\u180b-\u180f\u200b\u2060\u2064\ufe00-\ufe0f\ufeff\u{1bca0}-\u{1bca3}\u{e0100}-\u{e01ef}]/gu;
  // Code points that are disallowed after mapping (approximation of the IDNA "disallowed" status).
  const DISALLOWED = /[\p{Cc}\p{Cn}\p{Co}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\ufffd\ufffc\u2028\u2029]|(?![\u200c\u200d])\p{Cf}/u;
  const LEADING_MARK = /^\p{M}/u;
  const FORBIDDEN_DOMAIN = /[\x00-\x20#%/:<>?@[\\\]^|\x7f]/;
  const FORBIDDEN_HOST = /[\x00\t\n\r #/:<>?@[\\\]^|]/;

  function mapDomain(s) {
    s = s.replace(IGNORED, "");
    s = s.normalize("NFKC").toLowerCase().normalize("NFKC");
    return s.replace(/[\u3002\uff0e\uff61]/g, ".");
  }

  // ContextJ (RFC 5892 Appendix A.1/A.2), approximated: a joiner must follow a virama-like mark,
  // and ZWNJ may also sit between two letters of a joining script.
  const JOINING = /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Mandaic}]/u;
  function joinersOK(label) {
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (c === 0x200c || c === 0x200d) {
        if (i > 0 && /\p{Mn}/u.test(label[i - 1])) continue;
        if (c === 0x200c && i > 0 && JOINING.test(label[i - 1]) && JOINING.test(label[i + 1] ?? "")) continue;
        return false;
      }
    }
    return true;
  }

  // The Bidi rule (RFC 5893 §2), approximated with script properties in place of Bidi_Class.
  const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\u200f]/u;
  const LTR_LETTER = /(?![\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}])\p{L}/u;
  function bidiOK(label) {
    if (label === "" || !/\p{L}/u.test(label)) return true;
    const chars = Array.from(label).filter((ch) => !/\p{M}/u.test(ch));
    const first = chars[0] ?? "";
    const last = chars[chars.length - 1] ?? "";
    if (RTL.test(first)) {
      return !LTR_LETTER.test(label) && (RTL.test(last) || /\p{Nd}/u.test(last));
    }
    if (!LTR_LETTER.test(first)) return false;
    return !RTL.test(label) && (LTR_LETTER.test(last) || /\p{Nd}/u.test(last));
  }

  function labelValid(label) {
    if (label.normalize("NFC") !== label) return false;
    if (LEADING_MARK.test(label)) return false;
    if (DISALLOWED.test(label)) return false;
    if (!joinersOK(label)) return false;
    return true;
  }

  // Returns the ASCII form of a (percent-decoded) domain, or null on failure.
  function domainToASCII(domain) {
    let result;
    if (/^[\x00-\x7f]*$/.test(domain) && !/(^|\.)xn--/i.test(domain)) {
      result = domain.toLowerCase();
    } else {
      const labels = mapDomain(domain).split(".");
      for (let i = 0; i < labels.length; i++) {
        const label = labels[i];
        if (label.startsWith("xn--")) {
          if (/[^\x00-\x7f]/.test(label)) return null;
          const decoded = punycodeDecode(label.slice(4));
          if (decoded === null || decoded === "" || /^[\x00-\x7f]*$/.test(decoded)) return null;
          if (!labelValid(decoded) || mapDomain(decoded) !== decoded || decoded.includes(".")) return null;
        } else if (/[^\x00-\x7f]/.test(label)) {
          if (!labelValid(label)) return null;
          const encoded = punycodeEncode(label);
          if (encoded === null) return null;
          labels[i] = "xn--" + encoded;
        }
      }
      const unicodeLabels = labels.map((l) => (l.startsWith("xn--") ? punycodeDecode(l.slice(4)) ?? l : l));
      if (unicodeLabels.some((l) => RTL.test(l)) && !unicodeLabels.every(bidiOK)) return null;
      result = labels.join(".");
    }
    if (result === "" || FORBIDDEN_DOMAIN.test(result)) return null;
    return result;
  }
  internal.domainToASCII = domainToASCII;

  // ------------------------------------------------------------------ IPv4
  // Parses one IPv4 number; returns NaN on failure.
  function parseIPv4Number(s) {
    if (s === "") return NaN;
    let radix = 10;
    if (s.length >= 2 && s[0] === "0" && (s[1] === "x" || s[1] === "X")) {
      radix = 16;
      s = s.slice(2);
    } else if (s.length >= 2 && s[0] === "0") {
      radix = 8;
      s = s.slice(1);
    }
    if (s === "") return 0;
    const valid = radix === 10 ? /^[0-9]+$/ : radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
    if (!valid.test(s)) return NaN;
    return parseInt(s, radix);
  }

  function endsInANumber(s) {
    const parts = s.split(".");
    if (parts[parts.length - 1] === "") {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== "" && /^[0-9]+$/.test(last)) return true;
    return !Number.isNaN(parseIPv4Number(last));
  }

  // Returns the serialised IPv4 address, or null on failure.
  function parseIPv4(s) {
    const parts = s.split(".");
    if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
    if (parts.length > 4) return null;
    const numbers = [];
    for (const p of parts) {
      const n = parseIPv4Number(p);
      if (Number.isNaN(n)) return null;
      numbers.push(n);
    }
    for (let i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) return null;
    const last = numbers[numbers.length - 1];
    if (last >= 256 ** (5 - numbers.length)) return null;
    let ipv4 = last;
    for (let i = 0; i < numbers.length - 1; i++) ipv4 += numbers[i] * 256 ** (3 - i);
    const out = [];
    for (let i = 0; i < 4; i++) {
      out.unshift(String(ipv4 % 256));
      ipv4 = Math.floor(ipv4 / 256);
    }
    return out.join(".");
  }

  // ------------------------------------------------------------------ IPv6
  const isHex = (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
  const isDigit = (c) => c >= 0x30 && c <= 0x39;

  // Returns the eight pieces, or null on failure (URL Standard §3.5 IPv6 parser).
  function parseIPv6(input) {
    const address = [0, 0, 0, 0, 0, 0, 0, 0];
    let pieceIndex = 0, compress = null, p = 0;
    const n = input.length;
    const at = (i) => (i < n ? input.charCodeAt(i) : -1);
    if (at(p) === 0x3a) {
      if (at(p + 1) !== 0x3a) return null;
      p += 2;
      pieceIndex++;
      compress = pieceIndex;
    }
    while (at(p) !== -1) {
      if (pieceIndex === 8) return null;
      if (at(p) === 0x3a) {
        if (compress !== null) return null;
        p++;
        pieceIndex++;
        compress = pieceIndex;
        continue;
      }
      let value = 0, length = 0;
      while (length < 4 && isHex(at(p))) {
        value = value * 16 + parseInt(input[p], 16);
        p++;
        length++;
      }
      if (at(p) === 0x2e) {
        if (length === 0) return null;
        p -= length;
        if (pieceIndex > 6) return null;
        let numbersSeen = 0;
        while (at(p) !== -1) {
          let ipv4Piece = null;
          if (numbersSeen > 0) {
            if (at(p) === 0x2e && numbersSeen < 4) p++;
            else return null;
          }
          if (!isDigit(at(p))) return null;
          while (isDigit(at(p))) {
            const number = at(p) - 0x30;
            if (ipv4Piece === null) ipv4Piece = number;
            else if (ipv4Piece === 0) return null;
            else ipv4Piece = ipv4Piece * 10 + number;
            if (ipv4Piece > 255) return null;
            p++;
          }
          address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
          numbersSeen++;
          if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
        }
        if (numbersSeen !== 4) return null;
        break;
      } else if (at(p) === 0x3a) {
        p++;
        if (at(p) === -1) return null;
      } else if (at(p) !== -1) {
        return null;
      }
      address[pieceIndex] = value;
      pieceIndex++;
    }
    if (compress !== null) {
      let swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex !== 0 && swaps > 0) {
        const t = address[pieceIndex];
        address[pieceIndex] = address[compress + swaps - 1];
        address[compress + swaps - 1] = t;
        pieceIndex--;
        swaps--;
      }
    } else if (pieceIndex !== 8) {
      return null;
    }
    return address;
  }

  function serializeIPv6(address) {
    // The first longest run of two or more zero pieces is compressed.
    let best = -1, bestLen = 1;
    for (let i = 0; i < 8; ) {
      if (address[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && address[j] === 0) j++;
      if (j - i > bestLen) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    let out = "";
    let ignore0 = false;
    for (let i = 0; i < 8; i++) {
      if (ignore0 && address[i] === 0) continue;
      ignore0 = false;
      if (i === best) {
        out += i === 0 ? "::" : ":";
        ignore0 = true;
        continue;
      }
      out += address[i].toString(16);
      if (i !== 7) out += ":";
    }
    return out;
  }

  // ------------------------------------------------------------------ host parser
  function percentDecodeToString(s) {
    if (!s.includes("%")) return s;
    const bytes = internal.utf8Encode(s);
    const out = new Uint8Array(bytes.length);
    let o = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
        out[o++] = parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16);
        i += 2;
      } else {
        out[o++] = b;
      }
    }
    return internal.utf8Decode(out.subarray(0, o));
  }
  internal.percentDecodeToString = percentDecodeToString;

  // Host parser (URL Standard §3.5): the serialised host, or null on failure.
  function parseHost(input, isOpaque) {
    if (input.charCodeAt(0) === 0x5b) {
      if (input.charCodeAt(input.length - 1) !== 0x5d) return null;
      const address = parseIPv6(input.slice(1, -1));
      return address === null ? null : "[" + serializeIPv6(address) + "]";
    }
    if (isOpaque) {
      if (FORBIDDEN_HOST.test(input)) return null;
      return internal.percentEncode(input, internal.C0_CONTROL_SET);
    }
    const domain = percentDecodeToString(input);
    const ascii = domainToASCII(domain);
    if (ascii === null) return null;
    if (endsInANumber(ascii)) return parseIPv4(ascii);
    return ascii;
  }
  internal.parseHost = parseHost;
})();
