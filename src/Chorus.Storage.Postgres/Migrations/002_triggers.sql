-- The triggers table of 001 gets what a schedule reports about its last firing, and an index for listing a
-- workflow's triggers. Kind "schedule" holds cron, time_zone and input in config.
ALTER TABLE workflow.triggers ADD COLUMN last_fired_at timestamptz, ADD COLUMN last_execution_id uuid;
CREATE INDEX ix_triggers_workflow ON workflow.triggers (tenant_id, workflow_id, created_at);
