-- Idempotent starts: the key a client sent with a start, written in the transaction that inserts the execution,
-- so a repeat finds the execution even after a crash, and two racing repeats cannot both start one.
-- request_hash covers the workflow and the body: the same key with another request is a conflict.
CREATE TABLE workflow.idempotency_keys (
    tenant_id    text        NOT NULL,
    key          text        NOT NULL,
    workflow_id  uuid        NOT NULL,
    request_hash text        NOT NULL,
    execution_id uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX ix_idempotency_keys_created ON workflow.idempotency_keys (created_at);
