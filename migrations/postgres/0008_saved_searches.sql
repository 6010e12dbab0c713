-- PostgreSQL version of migrations/sqlite: keep both in step (same tables, columns, constraints).
-- Searches applicants save to receive a daily digest of the new offers matching them.

CREATE TABLE saved_searches (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    query           TEXT    NOT NULL,
    created_at      BIGINT NOT NULL,
    -- Offers published after this instant go into the next digest.
    digested_until  BIGINT NOT NULL,
    UNIQUE (user_id, query)
);
CREATE INDEX saved_searches_due ON saved_searches (digested_until);
