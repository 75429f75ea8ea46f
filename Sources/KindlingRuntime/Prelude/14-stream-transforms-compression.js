// Kindling prelude: CompressionStream and DecompressionStream (WICG Compression Streams) for
// "gzip", "deflate" and "deflate-raw", backed by zlib through the host (ScriptContext+Compression.swift).
// TransformStream subclasses with a byte readable side, as in workerd. Corrupt or truncated input,
// or data after the end of the compressed stream, errors the stream with a TypeError.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { UNDEFINED } = S;
  const TransformStream = globalThis.TransformStream;
  const zlib = internal.zlib;
  const FORMATS = new Set(["gzip", "deflate", "deflate-raw"]);

  function zlibTransform(format, compresses) {
    format = `${format}`;
    if (!FORMATS.has(format)) {
      throw new TypeError("The compression format must be either 'deflate', 'deflate-raw' or 'gzip'.");
    }
    const handle = zlib.open(format, compresses);
    return S.transformArguments({
      bytes: true,
      transform(chunk, c) {
        const bytes = S.bytesOf(chunk); // a BufferSource: the byte transform checked
        const out = zlib.process(handle, bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), false);
        if (out.length > 0) S.transformEnqueue(c, out, true);
        return UNDEFINED;
      },
      flush(c) {
        const out = zlib.process(handle, undefined, true);
        if (out.length > 0) S.transformEnqueue(c, out, true);
        return UNDEFINED;
      },
      cancel() {
        zlib.close(handle);
        return UNDEFINED;
      },
    });
  }

  // CompressionStream and DecompressionStream differ only in the direction zlib works.
  for (const [name, compresses] of [["CompressionStream", true], ["DecompressionStream", false]]) {
    const ctor = {
      [name]: class extends TransformStream {
        constructor(format) {
          internal.argCount(arguments.length, 1, `Failed to construct '${name}'`);
          super(...zlibTransform(format, compresses));
        }
      },
    }[name];
    internal.brand(ctor, name);
    internal.defineGlobal(name, ctor);
  }
})();
