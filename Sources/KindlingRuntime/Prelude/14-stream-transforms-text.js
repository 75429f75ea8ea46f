// Kindling prelude: TextEncoderStream and TextDecoderStream (WHATWG Encoding §5), TransformStream
// subclasses as in workerd. They reuse the encoder and decoder of 10-encoding.js; a character split
// across chunks (a surrogate pair in, a multi-byte sequence out) is carried to the next chunk.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { UNDEFINED } = S;
  const TransformStream = globalThis.TransformStream;
  const REPLACEMENT = [0xef, 0xbf, 0xbd]; // U+FFFD in UTF-8

  class TextEncoderStream extends TransformStream {
    constructor() {
      let pending = ""; // a high surrogate waiting for its pair
      super(...S.transformArguments({
        transform(chunk, c) {
          let text = pending + `${chunk}`;
          pending = "";
          const last = text.charCodeAt(text.length - 1);
          if (last >= 0xd800 && last <= 0xdbff) {
            pending = text[text.length - 1];
            text = text.slice(0, -1);
          }
          if (text.length > 0) S.transformEnqueue(c, internal.utf8Encode(text));
          return UNDEFINED;
        },
        flush(c) {
          if (pending !== "") S.transformEnqueue(c, new Uint8Array(REPLACEMENT));
          return UNDEFINED;
        },
      }));
    }

    get encoding() {
      S.transformRecord(this);
      return "utf-8";
    }
  }
  S.publish(TextEncoderStream, "TextEncoderStream");

  class TextDecoderStream extends TransformStream {
    #decoder;

    constructor(label = "utf-8", options = undefined) {
      const decoder = new internal.TextDecoder(label, options);
      super(...S.transformArguments({
        transform(chunk, c) {
          const bytes = S.bytesOf(chunk);
          if (bytes === undefined) {
            throw new TypeError("A TextDecoderStream chunk must be an ArrayBuffer or ArrayBufferView.");
          }
          const text = decoder.decode(bytes, { stream: true });
          if (text.length > 0) S.transformEnqueue(c, text);
          return UNDEFINED;
        },
        flush(c) {
          const text = decoder.decode();
          if (text.length > 0) S.transformEnqueue(c, text);
          return UNDEFINED;
        },
      }));
      this.#decoder = decoder;
    }

    static #decoderOf(self) {
      if (self === null || typeof self !== "object" || !(#decoder in self)) throw S.illegal();
      return self.#decoder;
    }

    get encoding() {
      return TextDecoderStream.#decoderOf(this).encoding;
    }

    get fatal() {
      return TextDecoderStream.#decoderOf(this).fatal;
    }

    get ignoreBOM() {
      return TextDecoderStream.#decoderOf(this).ignoreBOM;
    }
  }
  S.publish(TextDecoderStream, "TextDecoderStream");
})();
