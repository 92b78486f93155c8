-- Migrations of running executions onto another version of their workflow: the request (target version, the
-- explicit step mapping, who and when) and, written in the transaction that moved it, each execution it moved with
-- the version it left, the steps it renamed and where its steps stood, so the move can be listed and rolled back.
CREATE TABLE workflow.execution_migrations (
    tenant_id      text        NOT NULL,
    id             uuid        NOT NULL,
    workflow_id    uuid        NOT NULL,
    to_version     integer     NOT NULL,
    mapping        text        NOT NULL,
    created_by     text,
    created_at     timestamptz NOT NULL,
    rolled_back_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_execution_migrations_workflow ON workflow.execution_migrations (tenant_id, workflow_id, created_at);

CREATE TABLE workflow.execution_migration_moves (
    tenant_id      text        NOT NULL,
    migration_id   uuid        NOT NULL,
    execution_id   uuid        NOT NULL,
    from_version   integer     NOT NULL,
    renamed        text        NOT NULL,
    progress       text        NOT NULL,
    moved_at       timestamptz NOT NULL,
    rolled_back_at timestamptz,
    PRIMARY KEY (tenant_id, migration_id, execution_id)
);
