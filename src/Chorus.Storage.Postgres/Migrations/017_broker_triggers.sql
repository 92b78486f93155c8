-- Broker triggers (kind "rabbitmq" in the triggers table): every node lists the enabled ones of every tenant every
-- few seconds, to run a consumer for each.
CREATE INDEX ix_triggers_kind ON workflow.triggers (kind, enabled);
