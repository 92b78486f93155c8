-- Per-tenant secrets. Only the AES-GCM ciphertext is kept (nonce, ciphertext and tag, encrypted by the server
-- with the tenant and name as associated data); the key is never in the database.
CREATE TABLE secrets (
    tenant_id  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    ciphertext BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL,
    updated_by TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
