-- Applicants' proofs (PDF, JPEG, PNG), kept as sent, reused across applications.

CREATE TABLE applicant_documents (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    valid_until   TEXT,
    filename      TEXT    NOT NULL,
    content_type  TEXT    NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes    INTEGER NOT NULL,
    content       BLOB    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX applicant_documents_user ON applicant_documents (user_id, id);
