-- Widens the CHECK on users.role to admit 'territory' (the territory admin, migration 0010) and
-- 'reservataire' (a réservataire's account, bound to its landlord, migration 0017).
-- SQLite cannot alter a CHECK constraint: the table is rebuilt (the 12-step procedure of
-- sqlite.org/lang_altertable.html). The application runs this once, when the stored schema lacks
-- the role, in one transaction on a connection with foreign keys off (otherwise dropping the old
-- table would cascade to every row that references a user).
CREATE TABLE users_new (
    id               INTEGER PRIMARY KEY,
    email            TEXT    NOT NULL UNIQUE,
    password_hash    TEXT,
    display_name     TEXT    NOT NULL,
    role             TEXT    NOT NULL CHECK (role IN ('applicant', 'staff', 'member', 'admin', 'territory', 'reservataire')),
    organisation_id  INTEGER REFERENCES organisations(id),
    commission_id    INTEGER REFERENCES commissions(id),
    active           INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    last_login_at    INTEGER,
    assisted_by_organisation_id INTEGER REFERENCES organisations(id),
    -- The EPCI (SIREN) a territory admin publishes cotation grids for.
    epci_siren       TEXT,
    CHECK (role <> 'staff' OR organisation_id IS NOT NULL),
    CHECK (role <> 'member' OR (organisation_id IS NOT NULL AND commission_id IS NOT NULL)),
    CHECK (role <> 'territory' OR epci_siren IS NOT NULL),
    CHECK (role <> 'reservataire' OR organisation_id IS NOT NULL)
);
INSERT INTO users_new (id, email, password_hash, display_name, role, organisation_id, commission_id,
                       active, created_at, last_login_at, assisted_by_organisation_id, epci_siren)
    SELECT id, email, password_hash, display_name, role, organisation_id, commission_id,
           active, created_at, last_login_at, assisted_by_organisation_id, epci_siren
    FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_organisation ON users (organisation_id);
CREATE INDEX users_assisted_by ON users (assisted_by_organisation_id);
