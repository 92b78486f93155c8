-- Event relays (Redis): where each relay stands in the events table and which process holds it. SQLite has one
-- writer, so events commit in the order of their ids and the cursor is the last id published.
CREATE TABLE event_relays (
    name        TEXT    NOT NULL PRIMARY KEY,
    cursor      TEXT    NOT NULL,
    owner       TEXT,
    lease_until INTEGER
);
