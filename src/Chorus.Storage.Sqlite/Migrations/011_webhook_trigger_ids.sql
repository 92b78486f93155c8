-- Webhook triggers (kind "webhook" in the triggers table) are called by id alone, before the tenant is known.
CREATE INDEX ix_triggers_id ON triggers (id);
