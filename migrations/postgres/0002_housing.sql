-- PostgreSQL version of migrations/sqlite: keep both in step (same tables, columns, constraints).
-- The housing stock, its publication as offers, and applicants' requests (profile and household).
-- Money is stored in euro cents, surfaces in whole square metres, dates as 'YYYY-MM-DD' text.

CREATE TABLE units (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id      BIGINT NOT NULL REFERENCES organisations(id),
    reference            TEXT    NOT NULL,
    address              TEXT    NOT NULL,
    commune_insee        TEXT    NOT NULL,
    epci_siren           TEXT    NOT NULL,
    neighbourhood        TEXT    NOT NULL DEFAULT '',
    in_qpv               BIGINT NOT NULL DEFAULT 0,
    typology             TEXT    NOT NULL CHECK (typology IN ('T1', 'T2', 'T3', 'T4', 'T5', 'T6+')),
    surface_m2           BIGINT NOT NULL CHECK (surface_m2 > 0),
    floor                BIGINT NOT NULL DEFAULT 0,
    has_lift             BIGINT NOT NULL DEFAULT 0,
    accessibility        TEXT    NOT NULL DEFAULT 'none' CHECK (accessibility IN ('none', 'pmr', 'adapted')),
    energy_label         TEXT    NOT NULL DEFAULT 'D',
    financing            TEXT    NOT NULL CHECK (financing IN ('PLAI', 'PLUS', 'PLS', 'PLI')),
    rent_cents           BIGINT NOT NULL CHECK (rent_cents >= 0),
    charges_cents        BIGINT NOT NULL CHECK (charges_cents >= 0),
    reservataire         TEXT    NOT NULL DEFAULT 'bailleur',
    construction_period  TEXT    NOT NULL DEFAULT '',
    description          TEXT    NOT NULL DEFAULT '',
    created_at           BIGINT NOT NULL,
    UNIQUE (organisation_id, reference)
);
CREATE INDEX units_commune ON units (commune_insee);

CREATE TABLE offers (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id          BIGINT NOT NULL REFERENCES units(id),
    organisation_id  BIGINT NOT NULL REFERENCES organisations(id),
    status           TEXT    NOT NULL CHECK (status IN ('draft', 'published', 'closed', 'in_review',
                         'in_commission', 'attributed', 'unsuccessful', 'cancelled')),
    categories       TEXT    NOT NULL DEFAULT 'tout_public',
    opens_at         BIGINT NOT NULL,
    closes_at        BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX offers_status ON offers (status, closes_at);
CREATE INDEX offers_organisation ON offers (organisation_id);

CREATE TABLE applicant_profiles (
    user_id                   BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    sne_number                TEXT,
    first_filing_date         TEXT,
    renewal_date              TEXT,
    housing_status            TEXT    NOT NULL DEFAULT 'unknown' CHECK (housing_status IN
                                  ('unknown', 'social_tenant', 'private_tenant', 'hosted', 'homeless', 'shelter')),
    current_landlord          TEXT,
    current_typology          TEXT,
    current_rent_cents        BIGINT,
    dalo                      BIGINT NOT NULL DEFAULT 0,
    priority_flags            TEXT    NOT NULL DEFAULT '',
    wished_communes           TEXT    NOT NULL DEFAULT '',
    wished_typologies         TEXT    NOT NULL DEFAULT '',
    max_rent_cents            BIGINT,
    action_logement_employee  BIGINT NOT NULL DEFAULT 0,
    updated_at                BIGINT NOT NULL
);

CREATE TABLE household_members (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    relationship  TEXT    NOT NULL CHECK (relationship IN ('self', 'spouse', 'child', 'other')),
    first_name    TEXT    NOT NULL,
    birth_date    TEXT    NOT NULL,
    handicap      BIGINT NOT NULL DEFAULT 0,
    dependant     BIGINT NOT NULL DEFAULT 0,
    rfr_n2_eur    BIGINT
);
CREATE INDEX household_members_user ON household_members (user_id);
