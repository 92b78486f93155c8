-- Event relays (Redis): where each relay stands in the events table and which node holds it (a lease, so that one
-- node relays at a time and another takes over when it dies).
CREATE TABLE workflow.event_relays (
    name        text        NOT NULL PRIMARY KEY,
    cursor      text        NOT NULL,
    owner       text,
    lease_until timestamptz
);

-- Ids of events come from per-node blocks, so they neither follow commit order nor the order of one execution's
-- events across nodes. A relay needs both: the writing transaction (xid, for which commits a snapshot shows) and
-- an order taken at insert time from one sequence (relay_seq: an execution's later events are inserted after its
-- earlier ones committed, because the execution's row is locked in between). Rows written before this migration
-- have neither and are not relayed.
ALTER TABLE workflow.events ADD COLUMN xid xid8;
ALTER TABLE workflow.events ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE SEQUENCE workflow.events_relay_seq;
ALTER TABLE workflow.events ADD COLUMN relay_seq bigint;
ALTER TABLE workflow.events ALTER COLUMN relay_seq SET DEFAULT nextval('workflow.events_relay_seq');
CREATE INDEX ix_events_xid ON workflow.events (xid) WHERE xid IS NOT NULL;
