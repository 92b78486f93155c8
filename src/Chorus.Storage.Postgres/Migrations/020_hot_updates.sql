-- A step rewrites its execution's row (the new context and state) and, when its next step goes through the queue,
-- leases a work item (the lease columns). Neither changes an indexed column, so PostgreSQL can write the new row
-- version beside the old one on the same page without touching any index (a HOT update), but only if the page
-- has room: tables filled to the brim (the default) made a third of the execution updates in the benchmark
-- (bench --stats) write a new entry into every index of the table instead. Leaving room in each page keeps those
-- updates HOT. Applies to the pages written from now on; existing pages keep their fill until rewritten.
ALTER TABLE workflow.instances SET (fillfactor = 50);
ALTER TABLE workflow.work_items SET (fillfactor = 70);
