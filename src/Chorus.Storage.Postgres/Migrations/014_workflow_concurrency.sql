-- Per-workflow concurrency limits. An execution whose workflow has as many executions under way as its version
-- allows waits as pending with awaits_workflow_slot set, outside admission's queue, until one of them ends; then
-- the oldest such execution joins the queue.
ALTER TABLE workflow.instances ADD COLUMN awaits_workflow_slot boolean NOT NULL DEFAULT false;

-- Admission's queue leaves out the executions awaiting their workflow's slot.
DROP INDEX workflow.ix_instances_pending;
DROP INDEX workflow.ix_instances_pending_by_tenant;
CREATE INDEX ix_instances_pending ON workflow.instances (created_at, id) INCLUDE (tenant_id)
    WHERE status = 'pending' AND NOT awaits_workflow_slot;
CREATE INDEX ix_instances_pending_by_tenant ON workflow.instances (tenant_id, created_at, id)
    WHERE status = 'pending' AND NOT awaits_workflow_slot;

-- A start of a workflow with a limit counts its executions under way: only those are in this index, so the count
-- costs what the limit allows, not the workflow's history.
CREATE INDEX ix_instances_workflow_slot_holders ON workflow.instances (tenant_id, workflow_id)
    WHERE status IN ('pending', 'running', 'waiting', 'paused') AND NOT awaits_workflow_slot AND NOT is_test AND parent_id IS NULL;

-- When one of them ends, the oldest execution awaiting the workflow's slot is one seek away.
CREATE INDEX ix_instances_awaiting_workflow_slot ON workflow.instances (tenant_id, workflow_id, created_at, id)
    WHERE status = 'pending' AND awaits_workflow_slot;
