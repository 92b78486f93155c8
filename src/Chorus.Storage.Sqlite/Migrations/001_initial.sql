-- Timestamps are Unix milliseconds (UTC); JSON columns hold compact JSON text.
CREATE TABLE workflows (
    tenant_id       TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    description     TEXT,
    status          TEXT    NOT NULL,
    current_version INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_workflows_list ON workflows (tenant_id, deleted, created_at);

CREATE TABLE workflow_versions (
    tenant_id   TEXT    NOT NULL,
    workflow_id TEXT    NOT NULL,
    number      INTEGER NOT NULL,
    label       TEXT,
    definition  TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, workflow_id, number)
);

CREATE TABLE executions (
    tenant_id        TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    workflow_id      TEXT    NOT NULL,
    workflow_version INTEGER NOT NULL,
    status           TEXT    NOT NULL,
    mode             TEXT    NOT NULL,
    input            TEXT,
    context          TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    output           TEXT,
    error            TEXT,
    current_step     TEXT,
    parent_id        TEXT,
    parent_step      TEXT,
    is_test          INTEGER NOT NULL,
    total_steps      INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    started_at       INTEGER,
    completed_at     INTEGER,
    deadline_at      INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_executions_list ON executions (tenant_id, created_at);
CREATE INDEX ix_executions_workflow ON executions (tenant_id, workflow_id, created_at);
CREATE INDEX ix_executions_status ON executions (status, created_at);
CREATE INDEX ix_executions_parent ON executions (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE step_runs (
    tenant_id    TEXT    NOT NULL,
    execution_id TEXT    NOT NULL,
    step_id      TEXT    NOT NULL,
    attempt      INTEGER NOT NULL,
    step_name    TEXT    NOT NULL,
    step_type    TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    input        TEXT,
    output       TEXT,
    error        TEXT,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    PRIMARY KEY (execution_id, step_id, attempt)
);

CREATE TABLE work_items (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        TEXT    NOT NULL,
    execution_id     TEXT    NOT NULL,
    step_id          TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    attempt          INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    held             INTEGER NOT NULL DEFAULT 0,
    suspended        INTEGER NOT NULL DEFAULT 0,
    payload          TEXT,
    fence            INTEGER NOT NULL DEFAULT 0,
    lease_owner      TEXT,
    lease_expires_at INTEGER
);
CREATE INDEX ix_work_items_due ON work_items (due_at) WHERE held = 0 AND suspended = 0;
CREATE INDEX ix_work_items_execution ON work_items (execution_id);

CREATE TABLE execution_logs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT    NOT NULL,
    execution_id TEXT    NOT NULL,
    step_id      TEXT,
    level        TEXT    NOT NULL,
    message      TEXT    NOT NULL,
    data         TEXT,
    at           INTEGER NOT NULL
);
CREATE INDEX ix_execution_logs_execution ON execution_logs (execution_id, id);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    execution_id TEXT,
    workflow_id  TEXT,
    payload      TEXT    NOT NULL,
    at           INTEGER NOT NULL
);

CREATE TABLE signals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT    NOT NULL,
    execution_id TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    data         TEXT,
    at           INTEGER NOT NULL
);
CREATE INDEX ix_signals_execution ON signals (execution_id, name, id);
