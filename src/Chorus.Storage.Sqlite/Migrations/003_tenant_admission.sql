-- Fair admission: no tenant holds more than its share of MAX_CONCURRENT_WORKFLOWS. Self-contained (it depends on
-- no other migration after 001), so it can take another number if one is added beside it.
--
-- Every start counts the slot holders, in all and of its tenant, in one pass over this index; admission finds
-- the tenants at their cap by grouping it. The condition is repeated word for word in the queries, or SQLite
-- would not use the index. The index holds only the slot holders, so its cost follows the limit, not the history.
CREATE INDEX ix_executions_slot_holders ON executions (tenant_id)
    WHERE status IN ('running', 'waiting', 'paused') AND is_test = 0 AND parent_id IS NULL;

-- Admission looks first at the oldest pending executions (the head of the queue), passing over those of tenants
-- at their cap: the tenant is in the index, so each one passed over costs an index entry and no table read.
CREATE INDEX ix_executions_pending ON executions (created_at, id, tenant_id) WHERE status = 'pending';

-- When the oldest pending executions all belong to tenants at their cap, admission looks at the oldest of each
-- queued tenant instead: one seek per tenant here, however long a tenant's queue is.
CREATE INDEX ix_executions_pending_by_tenant ON executions (tenant_id, created_at, id) WHERE status = 'pending';
