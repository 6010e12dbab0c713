-- Photos of units, as re-encoded JPEG in two sizes (the upload itself is not kept).

CREATE TABLE unit_photos (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    alt              TEXT    NOT NULL,
    width            INTEGER NOT NULL,
    height           INTEGER NOT NULL,
    large            BLOB    NOT NULL,
    thumb            BLOB    NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX unit_photos_unit ON unit_photos (unit_id, id);
