-- CSV imports of units: the file as checked, its report, and whether it was applied. Keeping the
-- file lets staff confirm exactly what they checked, and leaves a trace of every bulk change.

CREATE TABLE unit_imports (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    user_id          INTEGER NOT NULL REFERENCES users(id),
    filename         TEXT    NOT NULL,
    content          TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('checked', 'invalid', 'applied')),
    rows_count       INTEGER NOT NULL,
    new_units        INTEGER NOT NULL,
    updated_units    INTEGER NOT NULL,
    errors_json      TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    applied_at       INTEGER
);
CREATE INDEX unit_imports_organisation ON unit_imports (organisation_id, id);
