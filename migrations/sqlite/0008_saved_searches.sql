-- Searches applicants save to receive a daily digest of the new offers matching them.

CREATE TABLE saved_searches (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    query           TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    -- Offers published after this instant go into the next digest.
    digested_until  INTEGER NOT NULL,
    UNIQUE (user_id, query)
);
CREATE INDEX saved_searches_due ON saved_searches (digested_until);
