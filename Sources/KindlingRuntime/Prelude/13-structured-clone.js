// Kindling prelude: structuredClone (HTML Standard §2.7, StructuredSerializeInternal followed by
// StructuredDeserialize, done in one pass since both sides live in the same isolate).
// Plain ECMAScript, no host functions.
//
// Cloned: primitives (not symbols), Boolean/Number/BigInt/String wrappers, Date, RegExp (lastIndex
// reset), ArrayBuffer (resizable kept resizable), SharedArrayBuffer (shared, as within one agent
// cluster), typed arrays and DataView (views of one buffer keep sharing one cloned buffer), Map,
// Set, Error and its six native subclasses (name, message, plus V8's extras stack and cause),
// DOMException, arrays (holes and extra properties kept) and ordinary objects (own enumerable
// string keys, read with [[Get]], prototype dropped). Identity and cycles are preserved.
// Refused with a DataCloneError DOMException worded as V8 does ("… could not be cloned."):
// functions, symbols, Symbol wrappers, Promise, WeakMap/WeakSet/WeakRef, detached buffers and the
// runtime's platform objects (anything registered with internal.registerUncloneable; objects
// registered with internal.registerCloneable are cloned by their own function).
//
// Known differences: a Map or Set whose prototype was changed to Object.prototype (or null) is
// cloned as an ordinary object, and proxies are cloned through their traps; V8 refuses both.
// With { transfer }, the clone receives a copy of each transferred buffer and the originals are
// detached only once the whole clone succeeded (the observable result matches the standard).
(function () {
  "use strict";
  const internal = globalThis[Symbol.for("kindling.internal")];

  const objectToString = Object.prototype.toString;
  const getProto = Object.getPrototypeOf;
  const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
  const mapSize = getter(Map.prototype, "size");
  const setSize = getter(Set.prototype, "size");
  const abByteLength = getter(ArrayBuffer.prototype, "byteLength");
  const abDetached = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached")?.get;
  const abResizable = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "resizable")?.get;
  const abMaxByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "maxByteLength")?.get;
  const sabByteLength =
    typeof SharedArrayBuffer === "function" ? getter(SharedArrayBuffer.prototype, "byteLength") : null;
  const typedArrayProto = getProto(Uint8Array.prototype);
  const typedArrayTag = getter(typedArrayProto, Symbol.toStringTag);
  const typedArrayBuffer = getter(typedArrayProto, "buffer");
  const typedArrayByteOffset = getter(typedArrayProto, "byteOffset");
  const typedArrayLength = getter(typedArrayProto, "length");
  const dataViewBuffer = getter(DataView.prototype, "buffer");
  const dataViewByteOffset = getter(DataView.prototype, "byteOffset");
  const dataViewByteLength = getter(DataView.prototype, "byteLength");
  const regExpSource = getter(RegExp.prototype, "source");
  const regExpFlags = getter(RegExp.prototype, "flags");
  const domExceptionName = getter(DOMException.prototype, "name");
  const abTransfer = ArrayBuffer.prototype.transfer;

  const ERROR_CTORS = {
    Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
  };

  // Brand checks: each throws a TypeError unless v has the internal slot.
  const brandCheck = (fn, v) => {
    try {
      fn.call(v);
      return true;
    } catch {
      return false;
    }
  };

  // Platform objects that must not be cloned (Headers, Request, URL, …), by brand check, and
  // platform objects cloned by their own function (Blob, File).
  // Registered through internal.registerUncloneable / registerCloneable (20-runtime.js).
  const uncloneable = internal.uncloneable;
  const cloners = internal.cloners;

  // V8's rendering of the value in "… could not be cloned."
  function describe(value) {
    if (typeof value === "symbol") return value.toString();
    if (typeof value === "function") {
      try {
        return Function.prototype.toString.call(value);
      } catch {
        return "function";
      }
    }
    let name = "Object";
    try {
      const ctor = value.constructor;
      if (typeof ctor === "function" && typeof ctor.name === "string" && ctor.name !== "") name = ctor.name;
    } catch {}
    return `#<${name}>`;
  }
  function cloneError(message) {
    return new DOMException(message, "DataCloneError");
  }
  function notCloneable(value) {
    return cloneError(`${describe(value)} could not be cloned.`);
  }

  // Intrinsic prototypes, looked up along an object's prototype chain to pick the one brand
  // check worth running (so ordinary objects and class instances cost no exceptions).
  const KIND_BY_PROTO = new Map([
    [Map.prototype, "Map"], [Set.prototype, "Set"], [ArrayBuffer.prototype, "ArrayBuffer"],
    [Promise.prototype, "Promise"], [WeakMap.prototype, "WeakMap"], [WeakSet.prototype, "WeakSet"],
    [BigInt.prototype, "BigInt"], [Symbol.prototype, "Symbol"],
  ]);
  if (typeof WeakRef === "function") KIND_BY_PROTO.set(WeakRef.prototype, "WeakRef");
  if (typeof FinalizationRegistry === "function") KIND_BY_PROTO.set(FinalizationRegistry.prototype, "WeakRef");
  if (sabByteLength !== null) KIND_BY_PROTO.set(SharedArrayBuffer.prototype, "SharedArrayBuffer");

  function kindFromChain(value) {
    for (let p = getProto(value); p !== null; p = getProto(p)) {
      const kind = KIND_BY_PROTO.get(p);
      if (kind !== undefined) return kind;
      if (p === Object.prototype) return undefined;
    }
    return undefined;
  }

  function cloneBuffer(buffer) {
    if (abDetached !== undefined && abDetached.call(buffer)) {
      throw cloneError("An ArrayBuffer is detached and could not be cloned.");
    }
    const length = abByteLength.call(buffer);
    if (abResizable !== undefined && abResizable.call(buffer)) {
      const out = new ArrayBuffer(length, { maxByteLength: abMaxByteLength.call(buffer) });
      new Uint8Array(out).set(new Uint8Array(buffer));
      return out;
    }
    return ArrayBuffer.prototype.slice.call(buffer, 0);
  }

  // One clone operation. memory maps each source object to its clone (identity and cycles).
  function cloneValue(value, memory) {
    const type = typeof value;
    if (type !== "object" && type !== "function") {
      if (type === "symbol") throw notCloneable(value);
      return value;
    }
    if (value === null) return null;
    const seen = memory.get(value);
    if (seen !== undefined) return seen;
    if (type === "function") throw notCloneable(value);

    if (Array.isArray(value)) {
      const out = new Array(value.length);
      memory.set(value, out);
      copyProperties(value, out, memory);
      return out;
    }
    if (ArrayBuffer.isView(value)) return cloneView(value, memory);

    const proto = getProto(value);
    if (proto === Object.prototype || proto === null) {
      // Ordinary object, unless it is an exotic with a builtin tag whose prototype was swapped.
      const tag = objectToString.call(value);
      if (tag === "[object Object]") return cloneObject(value, memory);
    }

    for (const [check, clone] of cloners) if (check(value)) return remember(memory, value, clone(value));
    for (const check of uncloneable) if (check(value)) throw notCloneable(value);

    if (brandCheck(domExceptionName, value)) {
      // Serializable per Web IDL: name and message; the stack is carried over as V8 does.
      const out = new DOMException(value.message, value.name);
      const stackDesc = Object.getOwnPropertyDescriptor(value, "stack");
      if (stackDesc !== undefined && "value" in stackDesc && typeof stackDesc.value === "string") {
        Object.defineProperty(out, "stack", { value: stackDesc.value, writable: true, enumerable: false, configurable: true });
      }
      memory.set(value, out);
      return out;
    }

    // Builtin tags come from internal slots (Symbol.toStringTag aside), so they survive a
    // prototype swap; confirm each with a brand check all the same.
    switch (objectToString.call(value)) {
      case "[object Date]":
        if (brandCheck(Date.prototype.getTime, value)) {
          const out = new Date(Date.prototype.getTime.call(value));
          memory.set(value, out);
          return out;
        }
        break;
      case "[object RegExp]":
        if (brandCheck(regExpFlags, value) && brandCheck(regExpSource, value)) {
          const out = new RegExp(regExpSource.call(value), regExpFlags.call(value));
          memory.set(value, out);
          return out;
        }
        break;
      case "[object Boolean]":
        if (brandCheck(Boolean.prototype.valueOf, value)) return remember(memory, value, wrap(Boolean, value));
        break;
      case "[object Number]":
        if (brandCheck(Number.prototype.valueOf, value)) return remember(memory, value, wrap(Number, value));
        break;
      case "[object String]":
        if (brandCheck(String.prototype.valueOf, value)) return remember(memory, value, wrap(String, value));
        break;
      case "[object Error]":
        return cloneErrorObject(value, memory);
    }

    switch (kindFromChain(value)) {
      case "Map":
        if (brandCheck(mapSize, value)) {
          const out = new Map();
          memory.set(value, out);
          // Keys and values are collected first, as the standard does, so that getters run
          // during cloning cannot change what is iterated.
          const entries = [...Map.prototype.entries.call(value)];
          for (const [k, v] of entries) out.set(cloneValue(k, memory), cloneValue(v, memory));
          return out;
        }
        break;
      case "Set":
        if (brandCheck(setSize, value)) {
          const out = new Set();
          memory.set(value, out);
          const items = [...Set.prototype.values.call(value)];
          for (const v of items) out.add(cloneValue(v, memory));
          return out;
        }
        break;
      case "ArrayBuffer":
        if (brandCheck(abByteLength, value)) return remember(memory, value, cloneBuffer(value));
        break;
      case "SharedArrayBuffer":
        if (brandCheck(sabByteLength, value)) return remember(memory, value, value);
        break;
      case "BigInt":
        if (brandCheck(BigInt.prototype.valueOf, value)) return remember(memory, value, wrap(BigInt, value));
        break;
      case "Symbol": case "Promise": case "WeakMap": case "WeakSet": case "WeakRef":
        throw notCloneable(value);
    }
    return cloneObject(value, memory);
  }

  // A new wrapper object around the primitive inside value (a Boolean/Number/String/BigInt object).
  const wrap = (Type, value) => Object(Type.prototype.valueOf.call(value));

  function remember(memory, value, out) {
    memory.set(value, out);
    return out;
  }

  // Copies own enumerable string-keyed properties (re-checked before each read, as the standard
  // does, since a getter may delete a later one). `to` is a fresh object or array, so plain
  // assignment defines the property, except for "__proto__".
  const hasOwn = Object.prototype.hasOwnProperty;
  function copyProperties(from, to, memory) {
    const keys = Object.keys(from);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (!hasOwn.call(from, key)) continue;
      const v = cloneValue(from[key], memory);
      if (key === "__proto__") {
        Object.defineProperty(to, key, { value: v, writable: true, enumerable: true, configurable: true });
      } else {
        to[key] = v;
      }
    }
  }

  function cloneObject(value, memory) {
    const out = {};
    memory.set(value, out);
    copyProperties(value, out, memory);
    return out;
  }

  function cloneView(view, memory) {
    let out;
    if (brandCheck(typedArrayTag, view) && typedArrayTag.call(view) !== undefined) {
      const tag = typedArrayTag.call(view);
      const buffer = cloneValue(typedArrayBuffer.call(view), memory);
      out = new globalThis[tag](buffer, typedArrayByteOffset.call(view), typedArrayLength.call(view));
    } else {
      const buffer = cloneValue(dataViewBuffer.call(view), memory);
      out = new DataView(buffer, dataViewByteOffset.call(view), dataViewByteLength.call(view));
    }
    memory.set(view, out);
    return out;
  }

  function cloneErrorObject(value, memory) {
    let name = value.name;
    if (!Object.prototype.hasOwnProperty.call(ERROR_CTORS, name)) name = "Error";
    const out = new ERROR_CTORS[name]();
    memory.set(value, out);
    const messageDesc = Object.getOwnPropertyDescriptor(value, "message");
    if (messageDesc !== undefined && "value" in messageDesc) {
      Object.defineProperty(out, "message", {
        value: `${messageDesc.value}`, writable: true, enumerable: false, configurable: true,
      });
    }
    const stackDesc = Object.getOwnPropertyDescriptor(value, "stack");
    if (stackDesc !== undefined && "value" in stackDesc && typeof stackDesc.value === "string") {
      Object.defineProperty(out, "stack", {
        value: stackDesc.value, writable: true, enumerable: false, configurable: true,
      });
    } else {
      delete out.stack;
    }
    const causeDesc = Object.getOwnPropertyDescriptor(value, "cause");
    if (causeDesc !== undefined && "value" in causeDesc) {
      Object.defineProperty(out, "cause", {
        value: cloneValue(causeDesc.value, memory), writable: true, enumerable: false, configurable: true,
      });
    }
    return out;
  }

  // Reads options.transfer: a sequence of ArrayBuffers, no duplicates, none detached.
  function transferList(options) {
    if (options === undefined || options === null) return [];
    if (typeof options !== "object" && typeof options !== "function") {
      throw new TypeError("Failed to execute 'structuredClone': The provided value is not of type 'StructuredSerializeOptions'.");
    }
    const transfer = options.transfer;
    if (transfer === undefined) return [];
    if (transfer === null || typeof transfer !== "object" || typeof transfer[Symbol.iterator] !== "function") {
      throw new TypeError("Failed to execute 'structuredClone': The provided value cannot be converted to a sequence.");
    }
    const list = [...transfer];
    const seen = new Set();
    for (const item of list) {
      if (item === null || typeof item !== "object" || !brandCheck(abByteLength, item)) {
        throw cloneError("Value not transferable");
      }
      if (seen.has(item)) throw cloneError("ArrayBuffer is duplicated in the transfer list.");
      if (abDetached !== undefined && abDetached.call(item)) {
        throw cloneError("An ArrayBuffer is detached and could not be cloned.");
      }
      seen.add(item);
    }
    return list;
  }

  function structuredClone(value, options = undefined) {
    if (arguments.length < 1) {
      internal.argCount(0, 1, "Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope'");
    }
    const list = transferList(options);
    const result = cloneValue(value, new Map());
    // Transferring detaches the originals; the clone already holds copies of their bytes.
    if (typeof abTransfer === "function") for (const buffer of list) abTransfer.call(buffer, 0);
    return result;
  }
  internal.structuredClone = (value) => cloneValue(value, new Map());
  internal.defineGlobal("structuredClone", structuredClone);
})();
