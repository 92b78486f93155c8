-- Admission counts the executions holding a concurrency slot at every start, under a lock every node takes.
-- Through the status index that count also walked finished executions' entries and grew with the history;
-- this index holds only the slot holders, so the count costs what the limit allows.
CREATE INDEX ix_instances_slot_holders ON workflow.instances (status)
    WHERE status IN ('running', 'waiting', 'paused') AND NOT is_test AND parent_id IS NULL;
