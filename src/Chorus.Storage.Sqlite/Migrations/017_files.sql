-- The tenants' file stores: files uploaded through the API and files steps wrote (with the execution and step
-- that wrote them: such a file goes when its execution goes). The bytes are in content, or, when the server keeps
-- files in a directory, only there, at path (relative to that directory). content is the last column, so reads of
-- the other columns never touch its pages.
CREATE TABLE files (
    tenant_id    TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   TEXT    NOT NULL,
    execution_id TEXT,
    step_id      TEXT,
    path         TEXT,
    content      BLOB,
    PRIMARY KEY (tenant_id, id)
);
-- The list (newest first) and retention of uploads (oldest first).
CREATE INDEX ix_files_created ON files (tenant_id, created_at, id);
CREATE INDEX ix_files_execution ON files (execution_id) WHERE execution_id IS NOT NULL;
