-- Tiers: which tier an operator put each tenant on (none: the default tier), and the operator's own
-- definitions of tiers, which replace the built-in ones of the same name.
CREATE TABLE workflow.tenant_tiers (
    tenant_id  text        NOT NULL PRIMARY KEY,
    tier       text        NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text        NOT NULL
);
CREATE TABLE workflow.tier_definitions (
    name       text        NOT NULL PRIMARY KEY,
    limits     json        NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text        NOT NULL
);
