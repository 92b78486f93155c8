-- Idempotent starts: the key a client sent with a start, written in the transaction that inserts the execution,
-- so a repeat finds the execution even after a crash, and two racing repeats cannot both start one.
-- request_hash covers the workflow and the body: the same key with another request is a conflict.
CREATE TABLE idempotency_keys (
    tenant_id    TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    workflow_id  TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    execution_id TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);
