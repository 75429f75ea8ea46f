// Kindling prelude: DOMException (Web IDL §3.14) and the helpers every Web API file shares.
// This is the first Web API file in path order: it creates the shared internal registry,
// globalThis[Symbol.for("kindling.internal")] (non-enumerable), unless 20-runtime.js already did,
// and puts on it defineGlobal, exposeMembers, brand, argCount and domException. Files that throw
// DOMExceptions may read the global at load time (13-structured-clone.js does).
// Plain ECMAScript, no host functions.
(function () {
  "use strict";

  const INTERNAL = Symbol.for("kindling.internal");
  const internal = globalThis[INTERNAL] || {};
  if (!Object.prototype.hasOwnProperty.call(globalThis, INTERNAL)) {
    Object.defineProperty(globalThis, INTERNAL, { value: internal, writable: false, enumerable: false, configurable: false });
  }

  // Installs a global the way Web IDL does: writable, configurable, not enumerable.
  function defineGlobal(name, value) {
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  }
  // Web IDL operations and attributes are enumerable; class members are not, so flip them.
  function exposeMembers(proto) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === "constructor") continue;
      const d = Object.getOwnPropertyDescriptor(proto, key);
      d.enumerable = true;
      Object.defineProperty(proto, key, d);
    }
  }
  function brand(ctor, tag) {
    Object.defineProperty(ctor.prototype, Symbol.toStringTag, { value: tag, configurable: true });
  }
  // Throws V8's wording when an operation got fewer than n arguments.
  function argCount(args, n, what) {
    if (args < n) {
      throw new TypeError(`${what}: ${n} argument${n === 1 ? "" : "s"} required, but only ${args} present.`);
    }
  }
  internal.defineGlobal = defineGlobal;
  internal.exposeMembers = exposeMembers;
  internal.brand = brand;
  internal.argCount = argCount;

  // The error names table of Web IDL: names with a legacy code. Any other name has code 0.
  const legacyCodes = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InUseAttributeError: 10,
    InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
    InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20,
    URLMismatchError: 21, QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  };
  // The constants, codes 1…25 in order (2, 6 and 16 belong to names no longer in use).
  const codeConstants = [
    "INDEX_SIZE_ERR", "DOMSTRING_SIZE_ERR", "HIERARCHY_REQUEST_ERR", "WRONG_DOCUMENT_ERR", "INVALID_CHARACTER_ERR",
    "NO_DATA_ALLOWED_ERR", "NO_MODIFICATION_ALLOWED_ERR", "NOT_FOUND_ERR", "NOT_SUPPORTED_ERR", "INUSE_ATTRIBUTE_ERR",
    "INVALID_STATE_ERR", "SYNTAX_ERR", "INVALID_MODIFICATION_ERR", "NAMESPACE_ERR", "INVALID_ACCESS_ERR",
    "VALIDATION_ERR", "TYPE_MISMATCH_ERR", "SECURITY_ERR", "NETWORK_ERR", "ABORT_ERR", "URL_MISMATCH_ERR",
    "QUOTA_EXCEEDED_ERR", "TIMEOUT_ERR", "INVALID_NODE_TYPE_ERR", "DATA_CLONE_ERR",
  ];

  // Extends Error so that instances are `instanceof Error`, get a `stack` and print as "Name: message", as in
  // browsers and workerd (whose DOMException.prototype inherits from Error.prototype too). name, message and code
  // are accessors on the prototype, as Web IDL attributes are. The arguments are DOMStrings: a template literal
  // converts them as Web IDL does (a Symbol throws a TypeError).
  class DOMException extends Error {
    #name;
    #message;
    constructor(message = undefined, name = undefined) {
      super();
      this.#message = message === undefined ? "" : `${message}`;
      this.#name = name === undefined ? "Error" : `${name}`;
    }
    get name() {
      if (!(#name in this)) throw new TypeError("Illegal invocation");
      return this.#name;
    }
    get message() {
      if (!(#message in this)) throw new TypeError("Illegal invocation");
      return this.#message;
    }
    get code() {
      if (!(#name in this)) throw new TypeError("Illegal invocation");
      return Object.prototype.hasOwnProperty.call(legacyCodes, this.#name) ? legacyCodes[this.#name] : 0;
    }
  }
  exposeMembers(DOMException.prototype);
  codeConstants.forEach((constant, index) => {
    const d = { value: index + 1, writable: false, enumerable: true, configurable: false };
    Object.defineProperty(DOMException, constant, d);
    Object.defineProperty(DOMException.prototype, constant, d);
  });
  brand(DOMException, "DOMException");
  defineGlobal("DOMException", DOMException);

  // For the other prelude files: `throw internal.domException("AbortError", "The operation was aborted.")`.
  internal.domException = (name, message) => new DOMException(message, name);
})();
