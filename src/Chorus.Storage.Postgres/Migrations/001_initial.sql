-- Same tables and column meanings as the SQLite store, under the names of issue 4 (templates = workflows,
-- instances = executions, steps = step runs). Times are timestamptz; JSON is jsonb except where the author's
-- own text (key order included) must come back unchanged.
CREATE TABLE workflow.templates (
    tenant_id       text        NOT NULL,
    id              uuid        NOT NULL,
    name            text        NOT NULL,
    description     text,
    status          text        NOT NULL,
    current_version integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted         boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_templates_list ON workflow.templates (tenant_id, deleted, created_at);

CREATE TABLE workflow.template_versions (
    tenant_id   text        NOT NULL,
    workflow_id uuid        NOT NULL,
    number      integer     NOT NULL,
    label       text,
    -- json, not jsonb: a definition is returned as its author wrote it.
    definition  json        NOT NULL,
    hash        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, workflow_id, number)
);

CREATE TABLE workflow.instances (
    tenant_id        text        NOT NULL,
    id               uuid        NOT NULL,
    workflow_id      uuid        NOT NULL,
    workflow_version integer     NOT NULL,
    status           text        NOT NULL,
    mode             text        NOT NULL,
    input            jsonb,
    context          jsonb       NOT NULL,
    state            jsonb       NOT NULL,
    output           jsonb,
    error            jsonb,
    current_step     text,
    parent_id        uuid,
    parent_step      text,
    is_test          boolean     NOT NULL,
    total_steps      integer     NOT NULL,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    completed_at     timestamptz,
    deadline_at      timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_instances_list ON workflow.instances (tenant_id, created_at);
CREATE INDEX ix_instances_workflow ON workflow.instances (tenant_id, workflow_id, created_at);
CREATE INDEX ix_instances_status ON workflow.instances (status, created_at);
CREATE INDEX ix_instances_parent ON workflow.instances (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE workflow.steps (
    tenant_id    text        NOT NULL,
    execution_id uuid        NOT NULL,
    step_id      text        NOT NULL,
    attempt      integer     NOT NULL,
    step_name    text        NOT NULL,
    step_type    text        NOT NULL,
    status       text        NOT NULL,
    input        jsonb,
    output       jsonb,
    error        jsonb,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    PRIMARY KEY (execution_id, step_id, attempt)
);

-- Filled by a later issue (scheduled and event triggers); created now so the schema has its final shape.
CREATE TABLE workflow.triggers (
    tenant_id   text        NOT NULL,
    id          uuid        NOT NULL,
    workflow_id uuid        NOT NULL,
    kind        text        NOT NULL,
    config      jsonb       NOT NULL,
    enabled     boolean     NOT NULL DEFAULT true,
    next_due_at timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX ix_triggers_due ON workflow.triggers (next_due_at) WHERE enabled;

CREATE TABLE workflow.work_items (
    id               bigserial   PRIMARY KEY,
    tenant_id        text        NOT NULL,
    execution_id     uuid        NOT NULL,
    step_id          text        NOT NULL,
    kind             text        NOT NULL,
    attempt          integer     NOT NULL,
    due_at           timestamptz NOT NULL,
    held             boolean     NOT NULL DEFAULT false,
    suspended        boolean     NOT NULL DEFAULT false,
    payload          jsonb,
    fence            bigint      NOT NULL DEFAULT 0,
    lease_owner      text,
    lease_expires_at timestamptz
);
CREATE INDEX ix_work_items_due ON workflow.work_items (due_at) WHERE NOT held AND NOT suspended;
CREATE INDEX ix_work_items_execution ON workflow.work_items (execution_id);

CREATE TABLE workflow.execution_logs (
    id           bigserial   PRIMARY KEY,
    tenant_id    text        NOT NULL,
    execution_id uuid        NOT NULL,
    step_id      text,
    level        text        NOT NULL,
    message      text        NOT NULL,
    data         jsonb,
    at           timestamptz NOT NULL
);
CREATE INDEX ix_execution_logs_execution ON workflow.execution_logs (execution_id, id);

CREATE TABLE workflow.events (
    id           bigserial   PRIMARY KEY,
    tenant_id    text        NOT NULL,
    type         text        NOT NULL,
    execution_id uuid,
    workflow_id  uuid,
    payload      jsonb       NOT NULL,
    at           timestamptz NOT NULL
);

CREATE TABLE workflow.signals (
    id           bigserial   PRIMARY KEY,
    tenant_id    text        NOT NULL,
    execution_id uuid        NOT NULL,
    name         text        NOT NULL,
    data         jsonb,
    at           timestamptz NOT NULL
);
CREATE INDEX ix_signals_execution ON workflow.signals (execution_id, name, id);
