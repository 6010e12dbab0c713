-- Offer lifecycle history, one live offer per unit, and what the index sync needs.

ALTER TABLE units ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE offers ADD COLUMN published_at INTEGER;

-- A unit is on offer at most once at a time: a new offer needs the previous one decided or cancelled.
CREATE UNIQUE INDEX offers_one_live_per_unit ON offers (unit_id)
    WHERE status IN ('draft', 'published', 'closed', 'in_review', 'in_commission');
-- Each app server polls recent changes to keep its own search index current.
CREATE INDEX offers_updated ON offers (updated_at);

-- Every status change, who made it (NULL for the platform's own jobs) and when.
CREATE TABLE offer_events (
    id             INTEGER PRIMARY KEY,
    offer_id       INTEGER NOT NULL REFERENCES offers(id),
    from_status    TEXT,
    to_status      TEXT    NOT NULL,
    actor_user_id  INTEGER REFERENCES users(id),
    at             INTEGER NOT NULL
);
CREATE INDEX offer_events_offer ON offer_events (offer_id, id);

-- Small shared counters; `search_generation` is raised by `locactive reindex` so that every app
-- server rebuilds its own index.
CREATE TABLE platform_state (
    key    TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO platform_state (key, value) VALUES ('search_generation', 0);
