-- PostgreSQL version of migrations/sqlite: keep both in step (same tables, columns, constraints).
-- Gestion en flux (loi ELAN art. 114, décret n° 2020-145; shared/domain.md §8): the réservataires
-- a landlord has conventions with, each convention's share of the yearly flow of vacant units in
-- a département (or, for a commune, in the commune), the forecast of each year's flow, and where
-- each offer is counted: a convention, the landlord's own share, or out of the flow with a reason.

CREATE TABLE reservataires (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT  NOT NULL REFERENCES organisations(id),
    -- A code of domain::offer::Reservataire other than 'bailleur'.
    kind             TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    UNIQUE (organisation_id, kind, name)
);

CREATE TABLE flux_conventions (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT  NOT NULL REFERENCES organisations(id),
    reservataire_id  BIGINT  NOT NULL REFERENCES reservataires(id),
    year             BIGINT  NOT NULL,
    departement      TEXT    NOT NULL,
    -- '' for a departmental convention, else the commune's INSEE code (a commune's convention).
    commune_insee    TEXT    NOT NULL DEFAULT '',
    -- Hundredths of a percent of the flow: 2500 is 25 %.
    share_bp         BIGINT  NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
    reference        TEXT    NOT NULL DEFAULT '',
    recorded_by      BIGINT  NOT NULL REFERENCES users(id),
    recorded_at      BIGINT  NOT NULL,
    UNIQUE (reservataire_id, year, departement, commune_insee)
);
CREATE INDEX flux_conventions_scope ON flux_conventions (organisation_id, year, departement);

-- The units a landlord expects to let in a département in a year (the flow shared out), and those
-- it expects to take out of the flow (ANRU rehousing, internal transfers).
CREATE TABLE flux_forecasts (
    organisation_id  BIGINT  NOT NULL REFERENCES organisations(id),
    year             BIGINT  NOT NULL,
    departement      TEXT    NOT NULL,
    units            BIGINT  NOT NULL CHECK (units >= 0),
    out_of_flow      BIGINT  NOT NULL DEFAULT 0 CHECK (out_of_flow >= 0),
    recorded_by      BIGINT  NOT NULL REFERENCES users(id),
    recorded_at      BIGINT  NOT NULL,
    PRIMARY KEY (organisation_id, year, departement)
);

-- An offer's orientation (domain::flux::Orientation) and the year of the flow it counts in (the
-- year it opens); NULL for offers made before flow management, which count nowhere.
ALTER TABLE offers ADD COLUMN orientation TEXT
    CHECK (orientation IN ('convention', 'bailleur', 'anru', 'mutation', 'autre'));
ALTER TABLE offers ADD COLUMN convention_id BIGINT REFERENCES flux_conventions(id);
ALTER TABLE offers ADD COLUMN flux_year BIGINT;
CREATE INDEX offers_convention ON offers (convention_id);
CREATE INDEX offers_flux ON offers (organisation_id, flux_year, orientation);

-- A réservataire's accounts, invited by the landlord's admin (users.role 'reservataire', their
-- organisation the landlord): they read the réservataire's bilans and the offers oriented to it.
CREATE TABLE reservataire_accounts (
    user_id          BIGINT  PRIMARY KEY REFERENCES users(id),
    reservataire_id  BIGINT  NOT NULL REFERENCES reservataires(id)
);

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('applicant', 'staff', 'member', 'admin', 'territory', 'reservataire'));
ALTER TABLE users ADD CONSTRAINT users_reservataire_organisation
    CHECK (role <> 'reservataire' OR organisation_id IS NOT NULL);
