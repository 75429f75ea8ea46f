-- The catalog: which table holds each namespace. A namespace name is whatever a user wrote in
-- wrangler.toml, so tables get a sanitised name and this table maps (kind, name) to it.
-- schema_version is the last per-namespace template migration (e.g. kv/0002) applied to that table.
CREATE TABLE kindling_catalog (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    table_name TEXT NOT NULL UNIQUE,
    schema_version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
) WITHOUT ROWID;
