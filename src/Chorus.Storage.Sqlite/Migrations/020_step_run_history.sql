-- What an execution's history and its re-runs need of each step run that nothing else records: the order the engine
-- committed the runs in (start times cannot order parallel branches), the variables a step wrote, where the execution
-- went on from it (a condition's choice, an on_error route) and the execution's status right after. Runs saved
-- before this migration have none of them.
ALTER TABLE step_runs ADD COLUMN seq INTEGER;
ALTER TABLE step_runs ADD COLUMN variables TEXT;
ALTER TABLE step_runs ADD COLUMN next_steps TEXT;
ALTER TABLE step_runs ADD COLUMN status_after TEXT;
