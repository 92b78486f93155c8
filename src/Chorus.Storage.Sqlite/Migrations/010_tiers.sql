-- Tiers: which tier an operator put each tenant on (none: the default tier), and the operator's own
-- definitions of tiers, which replace the built-in ones of the same name.
CREATE TABLE tenant_tiers (
    tenant_id  TEXT    NOT NULL PRIMARY KEY,
    tier       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
);
CREATE TABLE tier_definitions (
    name       TEXT    NOT NULL PRIMARY KEY,
    limits     TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
);
