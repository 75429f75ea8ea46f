CREATE TABLE kindling_catalog (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    table_name TEXT NOT NULL UNIQUE,
    schema_version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
) WITHOUT ROWID;
CREATE TABLE kindling_migrations (
    store TEXT NOT NULL,
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (store, id)
) WITHOUT ROWID;
CREATE TABLE "kv_counts" (
    key TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL,
    expiration INTEGER,
    metadata TEXT
);
CREATE INDEX "kv_counts:expiration" ON "kv_counts" (expiration) WHERE expiration IS NOT NULL;
