-- One KV namespace. {{table}} is replaced by the namespace's quoted table name.
-- key: TEXT, compared bytewise (BINARY collation), so ORDER BY key is UTF-8 byte order as in KV.
-- value: the bytes as written. expiration: ms since the Unix epoch, NULL when the key never expires.
-- metadata: the JSON text given to put, NULL when none.
CREATE TABLE {{table}} (
    key TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL,
    expiration INTEGER,
    metadata TEXT
);
