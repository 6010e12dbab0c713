-- Where an applicant writes to contest a decision (recours gracieux): shown with every
-- explanation of a result. Set by the platform admin on the organisation's page.
ALTER TABLE organisations ADD COLUMN postal_address TEXT NOT NULL DEFAULT '';

-- The public results and the territory's figures read ended offers by territory and lease date.
CREATE INDEX leases_offer ON leases (offer_id);

-- The territory's refusal rate reads every answered proposal of its offers.
CREATE INDEX offer_proposals_offer_status ON offer_proposals (offer_id, status);
