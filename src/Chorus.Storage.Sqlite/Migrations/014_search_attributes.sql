-- Search attributes: the values a workflow declares as searchable, one row per attribute of an execution that has
-- a value. The key serves the replacement of an execution's rows and their deletion with it; the index serves a
-- list filtered by an attribute, which reads the matching executions' ids and nothing else.
CREATE TABLE execution_search_attributes (
    tenant_id    TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    name         TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, execution_id, name)
) WITHOUT ROWID;
CREATE INDEX ix_execution_search_attributes_value ON execution_search_attributes (tenant_id, name, value, execution_id);
