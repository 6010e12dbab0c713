-- PostgreSQL version of migrations/sqlite: keep both in step (same tables, columns, constraints).
-- CSV imports of units: the file as checked, its report, and whether it was applied. Keeping the
-- file lets staff confirm exactly what they checked, and leaves a trace of every bulk change.

CREATE TABLE unit_imports (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisations(id),
    user_id          BIGINT NOT NULL REFERENCES users(id),
    filename         TEXT    NOT NULL,
    content          TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('checked', 'invalid', 'applied')),
    rows_count       BIGINT NOT NULL,
    new_units        BIGINT NOT NULL,
    updated_units    BIGINT NOT NULL,
    errors_json      TEXT    NOT NULL,
    created_at       BIGINT NOT NULL,
    applied_at       BIGINT
);
CREATE INDEX unit_imports_organisation ON unit_imports (organisation_id, id);
