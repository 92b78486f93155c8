-- The tenants' file stores: files uploaded through the API and files steps wrote (with the execution and step
-- that wrote them: such a file goes when its execution goes). The bytes are in content, or, when the server keeps
-- files in a directory, only there, at path (relative to that directory).
CREATE TABLE workflow.files (
    tenant_id    text        NOT NULL,
    id           uuid        NOT NULL,
    name         text        NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL,
    sha256       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    execution_id uuid,
    step_id      text,
    path         text,
    content      bytea,
    PRIMARY KEY (tenant_id, id)
);
-- The list (newest first) and retention of uploads (oldest first).
CREATE INDEX ix_files_created ON workflow.files (tenant_id, created_at, id);
CREATE INDEX ix_files_execution ON workflow.files (execution_id) WHERE execution_id IS NOT NULL;
