-- Tenants' own collections of JSON records (saveRecords, fetchData, /api/collections). A collection's row holds the
-- field it is keyed by (fixed by its first write) and its record count, kept by every write under the same
-- transaction so that the cap on records per collection costs no COUNT.
CREATE TABLE collections (
    tenant_id    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    key_field    TEXT,
    record_count INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
) WITHOUT ROWID;

-- seq (the rowid) orders records by first write; an upsert keeps it. The unique key is what upserts conflict on.
CREATE TABLE collection_records (
    seq        INTEGER PRIMARY KEY,
    tenant_id  TEXT    NOT NULL,
    collection TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (tenant_id, collection, id)
);
CREATE INDEX ix_collection_records_seq ON collection_records (tenant_id, collection, seq);
