// `import Kindling` is enough for a user: the KV types `getKVNamespace` returns and the HTTP
// field types requests carry come along.
@_exported public import HTTPTypes
@_exported public import KindlingBindings
