-- The assisted channel: an applicant whose account a landlord's staff created at the counter.
-- That organisation's staff may then fill the profile and apply on the applicant's behalf.

ALTER TABLE users ADD COLUMN assisted_by_organisation_id INTEGER REFERENCES organisations(id);
CREATE INDEX users_assisted_by ON users (assisted_by_organisation_id);
