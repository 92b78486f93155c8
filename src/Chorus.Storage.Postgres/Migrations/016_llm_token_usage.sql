-- Language-model tokens each tenant used per UTC day (yyyy-mm-dd), held against its daily budget.
CREATE TABLE workflow.llm_token_usage (
    tenant_id text   NOT NULL,
    day       text   NOT NULL,
    tokens    bigint NOT NULL,
    PRIMARY KEY (tenant_id, day)
);
