// Kindling runtime prelude: the frozen clock. As on the platform, Date.now() and new Date() do not advance while
// JavaScript runs; they move when Swift enters JS again (an event, a timer, a settled binding call). Swift writes
// the time into host.clock, a Float64Array over its own memory (EventLoop/FrozenClock.swift), so reading it is a
// plain array load. The Web API files read it through internal.now() (performance.now, Event.timeStamp).
(function (host) {
  "use strict";
  const clock = host.clock;
  const internal = globalThis[Symbol.for("kindling.internal")];
  internal.now = () => clock[0];

  // Date is replaced by a function that gives the no-argument forms the frozen time and hands everything else to
  // the built-in. The prototype is shared, so instanceof, subclassing and Date.prototype methods are unchanged.
  const NativeDate = Date;
  const construct = Reflect.construct;
  const toString = NativeDate.prototype.toString;
  const FrozenDate = function Date(...args) {
    if (new.target === undefined) return toString.call(new NativeDate(clock[0]));
    return construct(NativeDate, args.length === 0 ? [clock[0]] : args, new.target);
  };
  Object.defineProperty(FrozenDate, "length", { value: 7, configurable: true });
  Object.defineProperty(FrozenDate, "prototype", { value: NativeDate.prototype, writable: false, enumerable: false, configurable: false });
  for (const name of ["UTC", "parse"]) {
    Object.defineProperty(FrozenDate, name, Object.getOwnPropertyDescriptor(NativeDate, name));
  }
  Object.defineProperty(FrozenDate, "now", {
    value: { now() { return clock[0]; } }.now, writable: true, enumerable: false, configurable: true,
  });
  Object.defineProperty(NativeDate.prototype, "constructor", { value: FrozenDate, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(globalThis, "Date", { value: FrozenDate, writable: true, enumerable: false, configurable: true });
})(globalThis.__kindling);
