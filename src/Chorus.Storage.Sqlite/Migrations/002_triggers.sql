-- Triggers that start executions; kind "schedule" holds cron, time_zone and input in config.
CREATE TABLE triggers (
    tenant_id         TEXT    NOT NULL,
    id                TEXT    NOT NULL,
    workflow_id       TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    config            TEXT    NOT NULL,
    enabled           INTEGER NOT NULL DEFAULT 1,
    next_due_at       INTEGER,
    last_fired_at     INTEGER,
    last_execution_id TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_triggers_workflow ON triggers (tenant_id, workflow_id, created_at);
