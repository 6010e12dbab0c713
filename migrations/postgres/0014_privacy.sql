-- RGPD: who read an applicant's file, and the striking off of requests not renewed. A deleted
-- account keeps its `users` row, pseudonymised, for the minutes and attributions that refer to it.

-- Every read of a household's personal data by a landlord's staff or a commission member, as the
-- applicant sees it on "Mes données". `label` names what was read (an offer's title, a proof's
-- kind, a session's date) as it was at the time.
CREATE TABLE file_reads (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    applicant_user_id  BIGINT  NOT NULL REFERENCES users(id),
    reader_user_id     BIGINT  NOT NULL REFERENCES users(id),
    organisation_id    BIGINT  REFERENCES organisations(id),
    commission_id      BIGINT  REFERENCES commissions(id),
    what               TEXT    NOT NULL CHECK (what IN ('ranking', 'export', 'document', 'session', 'minutes', 'assisted',
                                                 'assisted_list', 'tenancies', 'follow_up')),
    subject            TEXT    NOT NULL,
    label              TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL
);
CREATE INDEX file_reads_applicant ON file_reads (applicant_user_id, created_at);

-- The day a request not renewed in time was struck off (SNE rule); its data goes after the
-- retention period of the settings.
ALTER TABLE applicant_profiles ADD COLUMN struck_off_on TEXT;

