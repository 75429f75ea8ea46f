// Kindling prelude: Workers' crypto.DigestStream, a WritableStream that hashes the bytes written to it. Its
// `digest` promise settles with the hash (an ArrayBuffer) when the stream closes, and rejects with the reason when
// the stream is aborted or a write fails; `bytesWritten` counts what went in. Algorithms as crypto.subtle.digest
// (SHA-1/256/384/512, MD5); chunks must be bytes (an ArrayBuffer or a view), as in workerd. The hashing is
// swift-crypto's, fed piece by piece through a handle (IncrementalHash), so the stream holds no bytes itself.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const crypto = internal.crypto;
  const NOT_BYTES = "This WritableStream only supports writing byte types.";

  class DigestStream extends WritableStream {
    #digest;
    #bytesWritten = 0;

    constructor(algorithm) {
      internal.argCount(arguments.length, 1, "Failed to construct 'DigestStream'");
      const handle = crypto.call("hashOpen", crypto.hash(algorithm));
      const { promise, resolve, reject } = Promise.withResolvers();
      let stream;
      super({
        write(chunk) {
          if (!crypto.isBufferSource(chunk)) {
            const error = new TypeError(NOT_BYTES);
            reject(error);
            throw error;
          }
          // Swift reads ArrayBuffers and typed arrays; a DataView goes as a Uint8Array over its bytes.
          crypto.call("hashUpdate", handle, chunk instanceof DataView ? crypto.view(chunk) : chunk);
          stream.#bytesWritten += chunk.byteLength;
        },
        close() {
          resolve(crypto.call("hashFinish", handle));
        },
        abort(reason) {
          reject(reason);
        },
      });
      stream = this;
      this.#digest = promise;
      // An aborted stream whose digest nobody reads is not an unhandled rejection.
      promise.catch(() => {});
    }

    get digest() {
      return this.#digest;
    }

    get bytesWritten() {
      return this.#bytesWritten;
    }
  }
  internal.brand(DigestStream, "DigestStream");
  internal.DigestStream = DigestStream;
})();
