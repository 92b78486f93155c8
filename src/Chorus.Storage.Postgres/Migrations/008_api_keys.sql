-- API keys for machines. The id is the public part of the key and unique across tenants, so a presented key
-- finds its row before its tenant is known; only the SHA-256 of the secret part is kept.
CREATE TABLE workflow.api_keys (
    id           text        NOT NULL PRIMARY KEY,
    tenant_id    text        NOT NULL,
    name         text        NOT NULL,
    role         text        NOT NULL,
    hash         bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX ix_api_keys_tenant ON workflow.api_keys (tenant_id, created_at);
