-- History retention: the finished top-level executions of a tenant, oldest first, and the events of an execution
-- (deleted with it).
CREATE INDEX ix_instances_finished ON workflow.instances (tenant_id, completed_at, id)
    WHERE status IN ('completed', 'failed', 'cancelled') AND parent_id IS NULL;
CREATE INDEX ix_events_execution ON workflow.events (execution_id) WHERE execution_id IS NOT NULL;
