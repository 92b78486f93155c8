-- Every step rewrites its execution's context and state, and reads them back when the execution is not in memory.
-- Nothing queries inside either column, so they are stored as the engine wrote them (json, checked but kept as
-- text) rather than parsed into jsonb at every write and printed back at every read.
ALTER TABLE workflow.instances ALTER COLUMN context TYPE json USING context::json, ALTER COLUMN state TYPE json USING state::json;
