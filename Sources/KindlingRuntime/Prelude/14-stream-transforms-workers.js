// Kindling prelude: the Workers-only byte transforms IdentityTransformStream and FixedLengthStream
// (workerd's identity-transform-stream). Both pass bytes through unchanged and their readable side is
// a byte stream, so BYOB readers work on it; anything but an ArrayBuffer or view written to them is a
// TypeError. A FixedLengthStream errors when more or fewer bytes than declared are written, with
// workerd's wording; its readable side records the length (internal.streamKnownLength) so a body
// made from it can announce a Content-Length.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const S = internal.streams;
  const { UNDEFINED } = S;
  const TransformStream = globalThis.TransformStream;

  // workerd's QueuingStrategy for these: { highWaterMark } in bytes, on the writable side. At least one byte: the
  // writer is ready while no write waits to be read, as with workerd's native pipe; a mark of 0 would leave
  // `writer.ready` — and so every `pipeTo` into the stream — pending for ever.
  function writableHighWaterMark(strategy) {
    strategy = S.checkDictionary(strategy, "The queuing strategy");
    return Math.max(1, S.extractHighWaterMark(strategy, 0));
  }
  const byteSize = (chunk) => {
    const bytes = S.bytesOf(chunk);
    return bytes === undefined ? 1 : bytes.byteLength;
  };

  class IdentityTransformStream extends TransformStream {
    // `setUp`: FixedLengthStream's own transform (see S.transformArguments); users pass one argument.
    constructor(strategy = undefined, setUp = undefined) {
      super(...(S.isTransformArguments(setUp)
        ? setUp
        : S.transformArguments({ bytes: true, writableHWM: writableHighWaterMark(strategy), writableSize: byteSize })));
    }
  }
  internal.brand(IdentityTransformStream, "IdentityTransformStream");
  internal.defineGlobal("IdentityTransformStream", IdentityTransformStream);

  const TOO_MANY = "Attempt to write too many bytes through a FixedLengthStream.";
  const TOO_FEW = "FixedLengthStream did not see all expected bytes before close().";

  class FixedLengthStream extends IdentityTransformStream {
    constructor(expectedLength, strategy = undefined) {
      internal.argCount(arguments.length, 1, "Failed to construct 'FixedLengthStream'");
      const length = typeof expectedLength === "bigint" ? Number(expectedLength) : Math.trunc(Number(expectedLength));
      if (!Number.isFinite(length) || length < 0 || length > Number.MAX_SAFE_INTEGER) {
        throw new TypeError("FixedLengthStream requires an integer expected length less than 2^53.");
      }
      let seen = 0;
      const hwm = Math.max(1, Math.min(writableHighWaterMark(strategy), length));
      // A byte transform that counts what passes.
      const setUp = S.transformArguments({
        bytes: true, writableHWM: hwm, writableSize: byteSize,
        transform(chunk, c) {
          const bytes = S.bytesOf(chunk);
          if (bytes !== undefined) {
            seen += bytes.byteLength;
            if (seen > length) throw new TypeError(TOO_MANY);
          }
          S.transformEnqueue(c, chunk);
          return UNDEFINED;
        },
        flush(c) {
          if (seen < length) throw new TypeError(TOO_FEW);
          return UNDEFINED;
        },
      });
      super(undefined, setUp);
      S.readableRecord(this.readable).knownLength = length;
    }
  }
  internal.brand(FixedLengthStream, "FixedLengthStream");
  internal.defineGlobal("FixedLengthStream", FixedLengthStream);

  // The declared length of a FixedLengthStream's readable side, or undefined.
  internal.streamKnownLength = (stream) => (S.isReadableStream(stream) ? S.readableRecord(stream).knownLength : undefined);
})();
