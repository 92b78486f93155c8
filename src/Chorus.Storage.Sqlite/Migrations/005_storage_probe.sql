-- Readiness proves the store can still write (a full disk or a read-only file refuses writes, not reads) by
-- rewriting this one row.
CREATE TABLE storage_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at INTEGER NOT NULL
);
