-- Fair admission counts the slot holders (running, waiting or paused top-level executions that are not tests) at
-- every start, in all and of the start's tenant. Counting them in the index made each start cost one index entry
-- per holder, so starts slowed as holders grew. Triggers now record each change of a tenant's count as a row of
-- +1 or -1, and admission sums the rows. Rows are appended rather than one row per tenant updated, because an
-- update would lock the tenant's row until its transaction ends, and every execution of the tenant that ends
-- (on any node, in any commit lane) would wait for it. Admission folds the rows into one per tenant now and then,
-- under the admission lock, so a count reads about as many rows as there are tenants.
CREATE TABLE workflow.slot_holder_changes (
    tenant_id text    NOT NULL,
    holders   integer NOT NULL
);

INSERT INTO workflow.slot_holder_changes (tenant_id, holders)
SELECT tenant_id, COUNT(*) FROM workflow.instances
WHERE status IN ('running', 'waiting', 'paused') AND NOT is_test AND parent_id IS NULL
GROUP BY tenant_id;

CREATE FUNCTION workflow.record_slot_holder_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO workflow.slot_holder_changes (tenant_id, holders) VALUES (OLD.tenant_id, -1);
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO workflow.slot_holder_changes (tenant_id, holders) VALUES (NEW.tenant_id, 1);
    ELSIF NEW.status IN ('running', 'waiting', 'paused') AND NOT NEW.is_test AND NEW.parent_id IS NULL THEN
        INSERT INTO workflow.slot_holder_changes (tenant_id, holders) VALUES (NEW.tenant_id, 1);
    ELSE
        INSERT INTO workflow.slot_holder_changes (tenant_id, holders) VALUES (NEW.tenant_id, -1);
    END IF;
    RETURN NULL;
END $$;

-- The conditions run the function only for a row that becomes, or stops being, a slot holder; a step's update of
-- the context names none of the columns and runs nothing.
CREATE TRIGGER slot_holder_inserted AFTER INSERT ON workflow.instances FOR EACH ROW
WHEN (NEW.status IN ('running', 'waiting', 'paused') AND NOT NEW.is_test AND NEW.parent_id IS NULL)
EXECUTE FUNCTION workflow.record_slot_holder_change();

CREATE TRIGGER slot_holder_deleted AFTER DELETE ON workflow.instances FOR EACH ROW
WHEN (OLD.status IN ('running', 'waiting', 'paused') AND NOT OLD.is_test AND OLD.parent_id IS NULL)
EXECUTE FUNCTION workflow.record_slot_holder_change();

CREATE TRIGGER slot_holder_changed AFTER UPDATE OF status, is_test, parent_id ON workflow.instances FOR EACH ROW
WHEN ((OLD.status IN ('running', 'waiting', 'paused') AND NOT OLD.is_test AND OLD.parent_id IS NULL)
  IS DISTINCT FROM (NEW.status IN ('running', 'waiting', 'paused') AND NOT NEW.is_test AND NEW.parent_id IS NULL))
EXECUTE FUNCTION workflow.record_slot_holder_change();

DROP INDEX workflow.ix_instances_slot_holders_by_tenant;
