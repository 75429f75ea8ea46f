// Kindling prelude: Event, CustomEvent and EventTarget (WHATWG DOM §2). Plain ECMAScript, no host functions.
//
// A target here has no parent, so an event's path is the target alone: dispatch runs the capturing listeners,
// then (unless propagation was stopped) the others, both in the AT_TARGET phase, as the standard does at a
// target. A listener that throws is reported (reportError: logged as "Uncaught …") and the remaining listeners
// still run. workerd differs on three points, where we follow the standard as the issue asks: it refuses
// capture: true and passive: true with a TypeError, and an exception in a listener ends the dispatch and
// propagates out of dispatchEvent().
//
// For the other prelude files: internal.isEvent, internal.isEventTarget, internal.fireEvent(target, event)
// (dispatches with isTrusted true) and internal.defineEventHandler(prototype, type) (an `on<type>` attribute).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];
  const { defineGlobal, exposeMembers, brand, argCount } = internal;
  const report = globalThis.reportError;

  const NONE = 0, CAPTURING_PHASE = 1, AT_TARGET = 2, BUBBLING_PHASE = 3;
  const isObject = (v) => v !== null && (typeof v === "object" || typeof v === "function");

  // Reads an EventInit dictionary; members are read once each, in lexicographic order, as Web IDL does.
  function readEventInit(init, interfaceName) {
    if (init === undefined || init === null) return { bubbles: false, cancelable: false, composed: false };
    if (!isObject(init)) {
      throw new TypeError(`Failed to construct '${interfaceName}': The provided value is not of type '${interfaceName}Init'.`);
    }
    return { bubbles: !!init.bubbles, cancelable: !!init.cancelable, composed: !!init.composed };
  }

  let stateOf;
  let isEvent;
  // The shared getter of the unforgeable own property `isTrusted`.
  const isTrustedGetter = {
    get isTrusted() {
      if (!isEvent(this)) throw new TypeError("Illegal invocation");
      return stateOf(this).trusted;
    },
  };
  const isTrustedDescriptor = {
    get: Object.getOwnPropertyDescriptor(isTrustedGetter, "isTrusted").get, enumerable: true, configurable: false,
  };

  class Event {
    #s;
    constructor(type, eventInitDict = undefined) {
      argCount(arguments.length, 1, "Failed to construct 'Event'");
      type = `${type}`;
      const init = readEventInit(eventInitDict, new.target === CustomEvent ? "CustomEvent" : "Event");
      this.#s = {
        type, bubbles: init.bubbles, cancelable: init.cancelable, composed: init.composed, trusted: false,
        timeStamp: internal.now(), target: null, currentTarget: null, phase: NONE, canceled: false,
        stopPropagation: false, stopImmediate: false, inPassiveListener: false, dispatching: false,
      };
      Object.defineProperty(this, "isTrusted", isTrustedDescriptor);
    }
    static {
      stateOf = (event) => event.#s;
      isEvent = (value) => isObject(value) && #s in value;
    }
    get type() { return state(this).type; }
    get target() { return state(this).target; }
    get srcElement() { return state(this).target; }
    get currentTarget() { return state(this).currentTarget; }
    composedPath() {
      const s = state(this);
      return s.currentTarget === null ? [] : [s.currentTarget];
    }
    get eventPhase() { return state(this).phase; }
    stopPropagation() { state(this).stopPropagation = true; }
    get cancelBubble() { return state(this).stopPropagation; }
    set cancelBubble(value) { if (value) state(this).stopPropagation = true; }
    stopImmediatePropagation() {
      const s = state(this);
      s.stopPropagation = true;
      s.stopImmediate = true;
    }
    get bubbles() { return state(this).bubbles; }
    get cancelable() { return state(this).cancelable; }
    get returnValue() { return !state(this).canceled; }
    set returnValue(value) { if (!value) cancel(state(this)); }
    preventDefault() { cancel(state(this)); }
    get defaultPrevented() { return state(this).canceled; }
    get composed() { return state(this).composed; }
    get timeStamp() { return state(this).timeStamp; }
    initEvent(type, bubbles = false, cancelable = false) {
      argCount(arguments.length, 1, "Failed to execute 'initEvent' on 'Event'");
      const s = state(this);
      if (s.dispatching) return;
      Object.assign(s, {
        type: `${type}`, bubbles: !!bubbles, cancelable: !!cancelable, trusted: false, target: null,
        stopPropagation: false, stopImmediate: false, canceled: false,
      });
    }
  }
  function state(event) {
    if (!isEvent(event)) throw new TypeError("Illegal invocation");
    return stateOf(event);
  }
  // "Set the canceled flag": ignored for events that are not cancelable and inside passive listeners.
  function cancel(s) {
    if (s.cancelable && !s.inPassiveListener) s.canceled = true;
  }
  for (const [name, value] of [["NONE", NONE], ["CAPTURING_PHASE", CAPTURING_PHASE], ["AT_TARGET", AT_TARGET], ["BUBBLING_PHASE", BUBBLING_PHASE]]) {
    const d = { value, writable: false, enumerable: true, configurable: false };
    Object.defineProperty(Event, name, d);
    Object.defineProperty(Event.prototype, name, d);
  }
  exposeMembers(Event.prototype);
  brand(Event, "Event");

  class CustomEvent extends Event {
    #detail;
    constructor(type, eventInitDict = undefined) {
      argCount(arguments.length, 1, "Failed to construct 'CustomEvent'");
      super(type, eventInitDict);
      this.#detail = isObject(eventInitDict) && eventInitDict.detail !== undefined ? eventInitDict.detail : null;
    }
    get detail() {
      if (!(isObject(this) && #detail in this)) throw new TypeError("Illegal invocation");
      return this.#detail;
    }
    initCustomEvent(type, bubbles = false, cancelable = false, detail = null) {
      argCount(arguments.length, 1, "Failed to execute 'initCustomEvent' on 'CustomEvent'");
      if (!(isObject(this) && #detail in this)) throw new TypeError("Illegal invocation");
      if (stateOf(this).dispatching) return;
      this.initEvent(type, bubbles, cancelable);
      this.#detail = detail;
    }
  }
  exposeMembers(CustomEvent.prototype);
  brand(CustomEvent, "CustomEvent");

  // --- EventTarget ------------------------------------------------------------------------------------------
  // "Flatten more": the options of addEventListener as { capture, once, passive, signal }.
  function flattenOptions(options, forAdd) {
    if (!isObject(options)) return { capture: !!options, once: false, passive: false, signal: null };
    const capture = !!options.capture;
    if (!forAdd) return { capture };
    const once = !!options.once;
    const passive = !!options.passive;
    let signal = options.signal;
    if (signal === undefined) {
      signal = null;
    } else if (!internal.isAbortSignal(signal)) {
      throw new TypeError("Failed to execute 'addEventListener' on 'EventTarget': Failed to read the 'signal' property from 'AddEventListenerOptions': Failed to convert value to 'AbortSignal'.");
    }
    return { capture, once, passive, signal };
  }

  let listenersOf;
  let handlersOf;
  let isEventTarget;
  class EventTarget {
    // type → array of listeners { callback, capture, once, passive, removed }; arrays are replaced, not edited,
    // while a dispatch may be iterating them, so removal during dispatch needs no copying up front.
    #listeners = new Map();
    // type → { value, listener } for the on<type> attributes (see defineEventHandler).
    #handlers = null;
    static {
      listenersOf = (target) => target.#listeners;
      handlersOf = (target) => target.#handlers || (target.#handlers = new Map());
      isEventTarget = (value) => isObject(value) && #listeners in value;
    }
    addEventListener(type, callback, options = undefined) {
      const target = checkListenerCall(this, arguments.length, callback, "addEventListener");
      type = `${type}`;
      const flat = flattenOptions(options, true);
      if (flat.signal !== null && flat.signal.aborted) return;
      if (callback === null || callback === undefined) return;
      addListener(target, type, { callback, capture: flat.capture, once: flat.once, passive: flat.passive, removed: false }, flat.signal);
    }
    removeEventListener(type, callback, options = undefined) {
      const target = checkListenerCall(this, arguments.length, callback, "removeEventListener");
      type = `${type}`;
      const { capture } = flattenOptions(options, false);
      const list = listenersOf(target).get(type);
      const listener = list && list.find((l) => l.callback === callback && l.capture === capture);
      if (listener) removeListener(target, type, listener);
    }
    dispatchEvent(event) {
      argCount(arguments.length, 1, "Failed to execute 'dispatchEvent' on 'EventTarget'");
      const target = checkTarget(this);
      if (!isEvent(event)) {
        throw new TypeError("Failed to execute 'dispatchEvent' on 'EventTarget': parameter 1 is not of type 'Event'.");
      }
      const s = stateOf(event);
      if (s.dispatching) {
        throw internal.domException("InvalidStateError", "Failed to execute 'dispatchEvent' on 'EventTarget': The event is already being dispatched.");
      }
      s.trusted = false;
      return dispatch(target, event, s);
    }
  }
  // The global scope is not an EventTarget here (21-workers.js has its own addEventListener for the
  // service-worker events), so a method called on anything else is refused.
  function checkTarget(value) {
    if (!isEventTarget(value)) throw new TypeError("Illegal invocation");
    return value;
  }
  // The checks add/removeEventListener share: two arguments, an EventTarget receiver, an object or null callback.
  function checkListenerCall(self, count, callback, method) {
    argCount(count, 2, `Failed to execute '${method}' on 'EventTarget'`);
    const target = checkTarget(self);
    if (callback !== null && callback !== undefined && !isObject(callback)) {
      throw new TypeError(`Failed to execute '${method}' on 'EventTarget': The callback provided as parameter 2 is not an object.`);
    }
    return target;
  }

  function addListener(target, type, listener, signal) {
    const map = listenersOf(target);
    const list = map.get(type) || [];
    if (list.some((l) => l.callback === listener.callback && l.capture === listener.capture)) return;
    map.set(type, [...list, listener]);
    if (signal !== null) internal.addAbortAlgorithm(signal, () => removeListener(target, type, listener));
  }
  function removeListener(target, type, listener) {
    listener.removed = true;
    const map = listenersOf(target);
    const list = map.get(type);
    if (!list) return;
    const rest = list.filter((l) => l !== listener);
    if (rest.length === 0) map.delete(type);
    else map.set(type, rest);
  }

  function dispatch(target, event, s) {
    s.dispatching = true;
    s.target = target;
    s.phase = AT_TARGET;
    try {
      invoke(target, event, s, true);
      invoke(target, event, s, false);
    } finally {
      s.phase = NONE;
      s.currentTarget = null;
      s.dispatching = false;
      s.stopPropagation = false;
      s.stopImmediate = false;
    }
    return !s.canceled;
  }
  function invoke(target, event, s, capturing) {
    if (s.stopPropagation) return;
    const list = listenersOf(target).get(s.type);
    if (list === undefined) return;
    s.currentTarget = target;
    for (const listener of list) {
      if (listener.removed || listener.capture !== capturing) continue;
      if (listener.once) removeListener(target, s.type, listener);
      if (listener.passive) s.inPassiveListener = true;
      try {
        const callback = listener.callback;
        if (typeof callback === "function") {
          callback.call(target, event);
        } else {
          const handleEvent = callback.handleEvent;
          if (typeof handleEvent !== "function") {
            throw new TypeError("The 'handleEvent' property of the event listener is not a function.");
          }
          handleEvent.call(callback, event);
        }
      } catch (error) {
        report(error);
      }
      s.inPassiveListener = false;
      if (s.stopImmediate) break;
    }
  }

  exposeMembers(EventTarget.prototype);
  brand(EventTarget, "EventTarget");

  // An HTML event handler IDL attribute `on<type>` on prototype: the first non-null value adds a listener at
  // the end of the list; later values replace the callback in place; null removes the listener. A value that
  // is not an object reads back as null; a non-callable object is kept and does nothing. A handler returning
  // false cancels the event.
  internal.defineEventHandler = function (prototype, type) {
    Object.defineProperty(prototype, "on" + type, {
      get() {
        const entry = handlersOf(checkTarget(this)).get(type);
        return entry === undefined ? null : entry.value;
      },
      set(value) {
        const target = checkTarget(this);
        const handlers = handlersOf(target);
        const entry = handlers.get(type);
        if (!isObject(value)) {
          if (entry !== undefined) {
            removeListener(target, type, entry.listener);
            handlers.delete(type);
          }
          return;
        }
        if (entry !== undefined) {
          entry.value = value;
          return;
        }
        const created = { value, listener: null };
        const callback = function (event) {
          if (typeof created.value !== "function") return;
          if (created.value.call(this, event) === false) event.preventDefault();
        };
        created.listener = { callback, capture: false, once: false, passive: false, removed: false };
        handlers.set(type, created);
        addListener(target, type, created.listener, null);
      },
      enumerable: true,
      configurable: true,
    });
  };

  internal.isEvent = isEvent;
  internal.isEventTarget = isEventTarget;
  // Dispatches `event` at `target` as the platform does (isTrusted is true); returns false if it was canceled.
  internal.fireEvent = (target, event) => {
    const s = stateOf(event);
    s.trusted = true;
    return dispatch(target, event, s);
  };

  defineGlobal("Event", Event);
  defineGlobal("CustomEvent", CustomEvent);
  defineGlobal("EventTarget", EventTarget);
})();
