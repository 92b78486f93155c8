-- Language-model tokens each tenant used per UTC day (yyyy-mm-dd), held against its daily budget.
CREATE TABLE llm_token_usage (
    tenant_id TEXT    NOT NULL,
    day       TEXT    NOT NULL,
    tokens    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day)
) WITHOUT ROWID;
