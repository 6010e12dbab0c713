-- Applications to offers, the profile fields the eligibility engine needs, and the per-organisation
-- cap on active applications.

ALTER TABLE applicant_profiles ADD COLUMN monthly_resources_cents INTEGER;
-- A lower income declared after a drop of 10 % or more: basis 'n1' or '12m', yearly euros.
ALTER TABLE applicant_profiles ADD COLUMN declared_income_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE applicant_profiles ADD COLUMN declared_income_eur INTEGER;
-- Raised by every application or withdrawal: the row lock it takes serialises one applicant's
-- concurrent requests, so the cap holds on both backends.
ALTER TABLE applicant_profiles ADD COLUMN applications_version INTEGER NOT NULL DEFAULT 0;

-- The renewal date a reminder was last sent for: one reminder per renewal, whichever server runs
-- the daily job.
ALTER TABLE applicant_profiles ADD COLUMN renewal_reminder_for TEXT NOT NULL DEFAULT '';

ALTER TABLE organisations ADD COLUMN max_active_applications INTEGER NOT NULL DEFAULT 3
    CHECK (max_active_applications BETWEEN 1 AND 20);

CREATE TABLE applications (
    id                  INTEGER PRIMARY KEY,
    offer_id            INTEGER NOT NULL REFERENCES offers(id),
    organisation_id     INTEGER NOT NULL REFERENCES organisations(id),
    applicant_user_id   INTEGER NOT NULL REFERENCES users(id),
    status              TEXT    NOT NULL CHECK (status IN ('active', 'withdrawn')),
    channel             TEXT    NOT NULL DEFAULT 'online' CHECK (channel IN ('online', 'assisted')),
    created_by_user_id  INTEGER NOT NULL REFERENCES users(id),
    created_at          INTEGER NOT NULL,
    withdrawn_at        INTEGER
);
-- One live application per applicant and offer: a double click cannot apply twice.
CREATE UNIQUE INDEX applications_one_active ON applications (offer_id, applicant_user_id)
    WHERE status = 'active';
CREATE INDEX applications_applicant ON applications (applicant_user_id, status);
CREATE INDEX applications_offer ON applications (offer_id, status);
