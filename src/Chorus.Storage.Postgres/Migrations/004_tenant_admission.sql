-- Fair admission: no tenant holds more than its share of MAX_CONCURRENT_WORKFLOWS. Self-contained (it depends on
-- nothing after 003), so it can take another number if one is added beside it.
--
-- Every start counts the slot holders, in all and of its tenant, in one pass over this index, under the admission
-- lock every node takes; admission finds the tenants at their cap by grouping it. It holds only the slot holders,
-- so the count costs what the limit allows, as 003's did; with the tenant as its key it replaces 003's.
CREATE INDEX ix_instances_slot_holders_by_tenant ON workflow.instances (tenant_id)
    WHERE status IN ('running', 'waiting', 'paused') AND NOT is_test AND parent_id IS NULL;
DROP INDEX workflow.ix_instances_slot_holders;

-- Admission looks first at the oldest pending executions (the head of the queue), passing over those of tenants
-- at their cap: the tenant is in the index, so each one passed over costs an index entry.
CREATE INDEX ix_instances_pending ON workflow.instances (created_at, id) INCLUDE (tenant_id) WHERE status = 'pending';

-- When the head all belongs to tenants at their cap, admission looks at the oldest of each queued tenant instead
-- (a loose index scan): one seek per tenant here, however long a tenant's queue is.
CREATE INDEX ix_instances_pending_by_tenant ON workflow.instances (tenant_id, created_at, id) WHERE status = 'pending';
