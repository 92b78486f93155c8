-- Tenants' own collections of JSON records (saveRecords, fetchData, /api/collections). A collection's row holds the
-- field it is keyed by (fixed by its first write) and its record count, kept by every write under the row's lock
-- so that the cap on records per collection costs no COUNT and holds under concurrent writers.
CREATE TABLE workflow.collections (
    tenant_id    text        NOT NULL,
    name         text        NOT NULL,
    key_field    text,
    record_count bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- seq orders records by first write; an upsert keeps it. The key is what upserts conflict on.
CREATE TABLE workflow.collection_records (
    seq        bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id  text        NOT NULL,
    collection text        NOT NULL,
    id         text        NOT NULL,
    data       jsonb       NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, collection, id)
);
CREATE INDEX ix_collection_records_seq ON workflow.collection_records (tenant_id, collection, seq);
