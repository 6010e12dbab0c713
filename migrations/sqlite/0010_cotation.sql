-- Cotation grids per territory, applicants' scores, rankings made at close with their snapshots,
-- shortlists, and the attribution history that gives the observed waiting time.

-- The EPCI (SIREN) a territory admin publishes cotation grids for. The role itself needs the
-- CHECK on users.role widened, which SQLite can only do by rebuilding the table with foreign
-- keys off, outside any transaction: see migrations/sqlite-rebuilds/users_roles.sql, which the
-- application runs right after these migrations.
ALTER TABLE users ADD COLUMN epci_siren TEXT;

-- Versions are never edited: a change is a new version with a later effective date, so that a
-- ranking made under a version can always be replayed with it.
CREATE TABLE cotation_grids (
    id                  INTEGER PRIMARY KEY,
    epci_siren          TEXT    NOT NULL,
    audience            TEXT    NOT NULL CHECK (audience IN ('all', 'first', 'mutation')),
    version             INTEGER NOT NULL,
    effective_from      TEXT    NOT NULL,
    criteria            TEXT    NOT NULL,
    created_by_user_id  INTEGER NOT NULL REFERENCES users(id),
    created_at          INTEGER NOT NULL,
    UNIQUE (epci_siren, audience, version)
);

-- Each applicant's score on each grid in force, kept current by a background job; it gives the
-- distribution of comparable requests without scoring everyone on each page view.
CREATE TABLE cotation_scores (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    grid_id      INTEGER NOT NULL REFERENCES cotation_grids(id),
    score        INTEGER NOT NULL,
    computed_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, grid_id)
);
CREATE INDEX cotation_scores_grid ON cotation_scores (grid_id, score);

-- Suitable units refused after an attribution; a grid may count them.
ALTER TABLE applicant_profiles ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;

ALTER TABLE offers ADD COLUMN ranking_mode TEXT NOT NULL DEFAULT 'cotation'
    CHECK (ranking_mode IN ('cotation', 'anciennete', 'tirage'));

-- One ranking per offer, made when it closes. `terms` and each entry's snapshots hold everything
-- the ranking used, so replaying it gives the same order whatever changed since.
CREATE TABLE rankings (
    id                   INTEGER PRIMARY KEY,
    offer_id             INTEGER NOT NULL UNIQUE REFERENCES offers(id),
    mode                 TEXT    NOT NULL,
    seed                 INTEGER NOT NULL,
    ranked_on            TEXT    NOT NULL,
    terms                TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    shortlist_size       INTEGER,
    shortlist_exception  TEXT    NOT NULL DEFAULT '',
    shortlisted_by       INTEGER REFERENCES users(id),
    shortlisted_at       INTEGER
);

CREATE TABLE ranking_entries (
    id                 INTEGER PRIMARY KEY,
    ranking_id         INTEGER NOT NULL REFERENCES rankings(id),
    application_id     INTEGER NOT NULL REFERENCES applications(id),
    applicant_user_id  INTEGER NOT NULL REFERENCES users(id),
    -- NULL when the household was not eligible at the close.
    position           INTEGER,
    eligible           INTEGER NOT NULL,
    score              INTEGER NOT NULL,
    grid_id            INTEGER REFERENCES cotation_grids(id),
    profile_snapshot   TEXT    NOT NULL,
    breakdown          TEXT    NOT NULL,
    assessment         TEXT    NOT NULL,
    applied_at         INTEGER NOT NULL,
    skip_motive        TEXT,
    skipped_by         INTEGER REFERENCES users(id),
    skipped_at         INTEGER,
    shortlisted        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (ranking_id, application_id)
);
CREATE INDEX ranking_entries_applicant ON ranking_entries (applicant_user_id);

-- Units let, for the waiting time observed for comparable requests (R441-2-17).
CREATE TABLE attributions (
    id                 INTEGER PRIMARY KEY,
    epci_siren         TEXT    NOT NULL,
    typology           TEXT    NOT NULL,
    first_filing_date  TEXT    NOT NULL,
    attributed_on      TEXT    NOT NULL,
    offer_id           INTEGER REFERENCES offers(id),
    applicant_user_id  INTEGER REFERENCES users(id)
);
CREATE INDEX attributions_comparable ON attributions (epci_siren, typology, attributed_on);

