// Kindling prelude: scheduler.wait(delay, { signal }), the one method of the WICG Scheduling APIs that Cloudflare
// Workers implement: a promise that resolves after delay milliseconds (a timer of the runtime's), or rejects
// with the signal's reason once the signal aborts. The Scheduler class is not a global, as in workerd.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const { defineGlobal, exposeMembers, brand, argCount } = internal;
  const setTimer = globalThis.setTimeout;
  const clearTimer = globalThis.clearTimeout;
  const constructing = Symbol("constructing");

  class Scheduler {
    #brand;
    constructor(key = undefined) {
      if (key !== constructing) throw new TypeError("Illegal constructor");
      this.#brand = true;
    }
    wait(delay, options = undefined) {
      if (this === null || typeof this !== "object" || !(#brand in this)) {
        return Promise.reject(new TypeError("Illegal invocation"));
      }
      try {
        argCount(arguments.length, 1, "Failed to execute 'wait' on 'Scheduler'");
        const signal = readSignal(options);
        let milliseconds = Number(delay);
        if (!(milliseconds >= 0)) milliseconds = 0;
        return new Promise((resolve, reject) => {
          if (signal !== null && signal.aborted) {
            reject(signal.reason);
            return;
          }
          let stopListening = () => {};
          const id = setTimer(() => {
            stopListening();
            resolve();
          }, milliseconds);
          if (signal !== null) {
            stopListening = internal.addAbortAlgorithm(signal, () => {
              clearTimer(id);
              reject(signal.reason);
            });
          }
        });
      } catch (error) {
        return Promise.reject(error);
      }
    }
  }
  function readSignal(options) {
    if (options === undefined || options === null) return null;
    if (typeof options !== "object" && typeof options !== "function") {
      throw new TypeError("Failed to execute 'wait' on 'Scheduler': The provided value is not of type 'SchedulerWaitOptions'.");
    }
    const signal = options.signal;
    if (signal === undefined) return null;
    if (!internal.isAbortSignal(signal)) {
      throw new TypeError("Failed to execute 'wait' on 'Scheduler': Failed to read the 'signal' property from 'SchedulerWaitOptions': Failed to convert value to 'AbortSignal'.");
    }
    return signal;
  }
  exposeMembers(Scheduler.prototype);
  brand(Scheduler, "Scheduler");

  defineGlobal("scheduler", new Scheduler(constructing));
})();
