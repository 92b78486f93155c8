-- Per-workflow concurrency limits. An execution whose workflow has as many executions under way as its version
-- allows waits as pending with awaits_workflow_slot set, outside admission's queue, until one of them ends; then
-- the oldest such execution joins the queue. The conditions below are repeated word for word in the queries, or
-- SQLite would not use the indexes.
ALTER TABLE executions ADD COLUMN awaits_workflow_slot INTEGER NOT NULL DEFAULT 0;

-- Admission's queue leaves out the executions awaiting their workflow's slot.
DROP INDEX ix_executions_pending;
DROP INDEX ix_executions_pending_by_tenant;
CREATE INDEX ix_executions_pending ON executions (created_at, id, tenant_id)
    WHERE status = 'pending' AND awaits_workflow_slot = 0;
CREATE INDEX ix_executions_pending_by_tenant ON executions (tenant_id, created_at, id)
    WHERE status = 'pending' AND awaits_workflow_slot = 0;

-- A start of a workflow with a limit counts its executions under way: only those are in this index, so the count
-- costs what the limit allows, not the workflow's history.
CREATE INDEX ix_executions_workflow_slot_holders ON executions (tenant_id, workflow_id)
    WHERE status IN ('pending', 'running', 'waiting', 'paused') AND awaits_workflow_slot = 0 AND is_test = 0 AND parent_id IS NULL;

-- When one of them ends, the oldest execution awaiting the workflow's slot is one seek away.
CREATE INDEX ix_executions_awaiting_workflow_slot ON executions (tenant_id, workflow_id, created_at, id)
    WHERE status = 'pending' AND awaits_workflow_slot = 1;
