-- History retention: the finished top-level executions of a tenant, oldest first, and the events of an execution
-- (deleted with it). The condition of the partial index is repeated word for word by the queries that use it.
CREATE INDEX ix_executions_finished ON executions (tenant_id, completed_at, id)
    WHERE status IN ('completed', 'failed', 'cancelled') AND parent_id IS NULL;
CREATE INDEX ix_events_execution ON events (execution_id) WHERE execution_id IS NOT NULL;
