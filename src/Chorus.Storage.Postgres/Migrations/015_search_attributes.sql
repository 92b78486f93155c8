-- Search attributes: the values a workflow declares as searchable, one row per attribute of an execution that has
-- a value. The key serves the replacement of an execution's rows and their deletion with it; the index serves a
-- list filtered by an attribute, which reads the matching executions' ids and nothing else.
CREATE TABLE workflow.execution_search_attributes (
    tenant_id    text NOT NULL,
    execution_id uuid NOT NULL,
    name         text NOT NULL,
    value        text NOT NULL,
    PRIMARY KEY (tenant_id, execution_id, name)
);
CREATE INDEX ix_execution_search_attributes_value ON workflow.execution_search_attributes (tenant_id, name, value, execution_id);
