-- Who saved each version: the subject of the token that made the request (null for versions saved before
-- requests were authenticated, and for embedded runs).
ALTER TABLE workflow.template_versions ADD COLUMN created_by text;
