-- PostgreSQL version of migrations/sqlite: keep both in step (same tables, columns, constraints).
-- Photos of units, as re-encoded JPEG in two sizes (the upload itself is not kept).

CREATE TABLE unit_photos (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id          BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    organisation_id  BIGINT NOT NULL REFERENCES organisations(id),
    alt              TEXT    NOT NULL,
    width            BIGINT NOT NULL,
    height           BIGINT NOT NULL,
    large            BYTEA    NOT NULL,
    thumb            BYTEA    NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX unit_photos_unit ON unit_photos (unit_id, id);
