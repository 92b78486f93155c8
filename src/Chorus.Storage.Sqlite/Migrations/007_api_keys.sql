-- API keys for machines. The id is the public part of the key and unique across tenants, so a presented key
-- finds its row before its tenant is known; only the SHA-256 of the secret part is kept.
CREATE TABLE api_keys (
    id           TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    hash         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   TEXT    NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX ix_api_keys_tenant ON api_keys (tenant_id, created_at);
