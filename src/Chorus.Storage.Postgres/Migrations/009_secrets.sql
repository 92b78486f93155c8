-- Per-tenant secrets. Only the AES-GCM ciphertext is kept (nonce, ciphertext and tag, encrypted by the server
-- with the tenant and name as associated data); the key is never in the database.
CREATE TABLE workflow.secrets (
    tenant_id  text        NOT NULL,
    name       text        NOT NULL,
    ciphertext bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    created_by text        NOT NULL,
    updated_by text        NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
