-- Readiness proves the store can still write (a full disk or a read-only transaction refuses writes, not
-- reads) by rewriting this one row.
CREATE TABLE workflow.storage_probe (
    id integer     PRIMARY KEY CHECK (id = 1),
    at timestamptz NOT NULL
);
