-- Migrations of running executions onto another version of their workflow: the request (target version, the
-- explicit step mapping, who and when) and, written in the transaction that moved it, each execution it moved with
-- the version it left, the steps it renamed and where its steps stood, so the move can be listed and rolled back.
CREATE TABLE execution_migrations (
    tenant_id      TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    workflow_id    TEXT    NOT NULL,
    to_version     INTEGER NOT NULL,
    mapping        TEXT    NOT NULL,
    created_by     TEXT,
    created_at     INTEGER NOT NULL,
    rolled_back_at INTEGER,
    PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX ix_execution_migrations_workflow ON execution_migrations (tenant_id, workflow_id, created_at);

CREATE TABLE execution_migration_moves (
    tenant_id      TEXT    NOT NULL,
    migration_id   TEXT    NOT NULL,
    execution_id   TEXT    NOT NULL,
    from_version   INTEGER NOT NULL,
    renamed        TEXT    NOT NULL,
    progress       TEXT    NOT NULL,
    moved_at       INTEGER NOT NULL,
    rolled_back_at INTEGER,
    PRIMARY KEY (tenant_id, migration_id, execution_id)
) WITHOUT ROWID;
