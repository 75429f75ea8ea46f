// Kindling prelude: performance (W3C High Resolution Time), as Cloudflare Workers has it.
//
// As in workerd, timeOrigin is 0 and performance.now() equals Date.now(): whole milliseconds since the epoch
// that do not advance while JavaScript runs, only when Swift enters JS again for the next event, timer or
// settled I/O (internal.now, 22-clock.js and EventLoop/FrozenClock.swift). So timing a CPU-bound loop gives 0,
// and timing an await on I/O gives its duration, as on the platform. The Performance class is not a global,
// as in workerd; its instance extends EventTarget, as in the standard.
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const { defineGlobal, exposeMembers, brand } = internal;
  const constructing = Symbol("constructing");

  let check;
  class Performance extends EventTarget {
    #brand;
    constructor(key = undefined) {
      if (key !== constructing) throw new TypeError("Illegal constructor");
      super();
      this.#brand = true;
    }
    get timeOrigin() {
      check(this);
      return 0;
    }
    now() {
      check(this);
      return internal.now();
    }
    toJSON() {
      check(this);
      return { timeOrigin: 0 };
    }
    static {
      check = (value) => {
        if (value === null || typeof value !== "object" || !(#brand in value)) throw new TypeError("Illegal invocation");
      };
    }
  }
  exposeMembers(Performance.prototype);
  brand(Performance, "Performance");

  defineGlobal("performance", new Performance(constructing));
})();
