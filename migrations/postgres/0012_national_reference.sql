-- PostgreSQL version of migrations/sqlite: keep both in step (same tables, columns, constraints).
-- The national reference (communes, EPCI) loaded at start-up from the files embedded in the
-- server (app/reference, from @etalab/decoupage-administratif), the territories of each
-- organisation, the quartiers prioritaires each territory lists, and the first-quartile income
-- threshold per EPCI and year.

CREATE TABLE ref_communes (
    insee         TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    -- Space-separated, the main one first.
    postcodes     TEXT NOT NULL,
    departement   TEXT NOT NULL,
    area          TEXT NOT NULL CHECK (area IN ('metropole', 'overseas')),
    epci_siren    TEXT,
    -- For a municipal arrondissement (Paris, Lyon, Marseille), its commune.
    parent_insee  TEXT
);
CREATE INDEX ref_communes_epci ON ref_communes (epci_siren);

CREATE TABLE ref_epcis (
    siren  TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL
);

-- Which version of each reference the tables hold: the start-up load replaces them when the
-- embedded version differs, and does nothing otherwise.
CREATE TABLE ref_sources (
    name       TEXT PRIMARY KEY,
    version    TEXT NOT NULL,
    loaded_at  BIGINT  NOT NULL
);

-- The EPCIs where an organisation has (or will have) units: its staff publish there only.
CREATE TABLE organisation_epcis (
    organisation_id  BIGINT  NOT NULL REFERENCES organisations(id),
    epci_siren       TEXT    NOT NULL,
    PRIMARY KEY (organisation_id, epci_siren)
);
INSERT INTO organisation_epcis (organisation_id, epci_siren)
    SELECT DISTINCT organisation_id, epci_siren FROM units;

-- Quartiers prioritaires de la politique de la ville, as each territory's admin imports them.
CREATE TABLE qpv_neighbourhoods (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    epci_siren     TEXT NOT NULL,
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    commune_insee  TEXT NOT NULL,
    UNIQUE (epci_siren, code)
);
CREATE INDEX qpv_neighbourhoods_commune ON qpv_neighbourhoods (commune_insee);

-- The unit's QPV, when chosen from its territory's list.
ALTER TABLE units ADD COLUMN qpv_code TEXT;

-- Annual income per consumption unit under which a request is in the first quartile (set by
-- ministerial arrêté per EPCI), entered by the territory's admin.
CREATE TABLE first_quartile_thresholds (
    epci_siren          TEXT    NOT NULL,
    year                BIGINT  NOT NULL,
    amount_eur          BIGINT  NOT NULL CHECK (amount_eur > 0),
    set_by_user_id      BIGINT  NOT NULL REFERENCES users(id),
    set_at              BIGINT  NOT NULL,
    PRIMARY KEY (epci_siren, year)
);
