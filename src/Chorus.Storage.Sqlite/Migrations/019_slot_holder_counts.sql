-- Fair admission counts the slot holders (running, waiting or paused top-level executions that are not tests) at
-- every start, in all and of the start's tenant. Counting them in the index made each start cost one index entry
-- per holder: about 10 ms at 43,000 holders, and starting 100,000 executions that wait took more than half an hour.
-- Triggers now keep the count of each tenant in a table of one row per tenant, so a start reads as many rows as
-- there are tenants. The condition of a slot holder is repeated word for word in each trigger.
CREATE TABLE slot_holders (
    tenant_id TEXT    NOT NULL PRIMARY KEY,
    holders   INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO slot_holders (tenant_id, holders)
SELECT tenant_id, COUNT(*) FROM executions
WHERE status IN ('running', 'waiting', 'paused') AND is_test = 0 AND parent_id IS NULL
GROUP BY tenant_id;

CREATE TRIGGER slot_holder_inserted AFTER INSERT ON executions
WHEN NEW.status IN ('running', 'waiting', 'paused') AND NEW.is_test = 0 AND NEW.parent_id IS NULL
BEGIN
    INSERT INTO slot_holders (tenant_id, holders) VALUES (NEW.tenant_id, 1)
    ON CONFLICT (tenant_id) DO UPDATE SET holders = holders + 1;
END;

CREATE TRIGGER slot_holder_deleted AFTER DELETE ON executions
WHEN OLD.status IN ('running', 'waiting', 'paused') AND OLD.is_test = 0 AND OLD.parent_id IS NULL
BEGIN
    UPDATE slot_holders SET holders = holders - 1 WHERE tenant_id = OLD.tenant_id;
END;

-- Only an update that names one of the columns of the condition can change it; a step's update of the context
-- names none of them and runs no trigger.
CREATE TRIGGER slot_holder_changed AFTER UPDATE OF status, is_test, parent_id ON executions
WHEN (OLD.status IN ('running', 'waiting', 'paused') AND OLD.is_test = 0 AND OLD.parent_id IS NULL)
  <> (NEW.status IN ('running', 'waiting', 'paused') AND NEW.is_test = 0 AND NEW.parent_id IS NULL)
BEGIN
    INSERT INTO slot_holders (tenant_id, holders)
    VALUES (NEW.tenant_id, CASE WHEN NEW.status IN ('running', 'waiting', 'paused') AND NEW.is_test = 0 AND NEW.parent_id IS NULL THEN 1 ELSE -1 END)
    ON CONFLICT (tenant_id) DO UPDATE SET holders = holders + excluded.holders;
END;

DROP INDEX ix_executions_slot_holders;
