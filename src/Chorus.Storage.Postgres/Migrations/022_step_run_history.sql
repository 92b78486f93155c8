-- What an execution's history and its re-runs need of each step run that nothing else records: the order the engine
-- committed the runs in (start times cannot order parallel branches), the variables a step wrote, where the execution
-- went on from it (a condition's choice, an on_error route) and the execution's status right after. Runs saved
-- before this migration have none of them. Nullable columns without defaults: adding them rewrites no row.
ALTER TABLE workflow.steps ADD COLUMN seq bigint;
ALTER TABLE workflow.steps ADD COLUMN variables jsonb;
ALTER TABLE workflow.steps ADD COLUMN next_steps jsonb;
ALTER TABLE workflow.steps ADD COLUMN status_after text;
