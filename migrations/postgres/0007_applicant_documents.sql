-- PostgreSQL version of migrations/sqlite: keep both in step (same tables, columns, constraints).
-- Applicants' proofs (PDF, JPEG, PNG), kept as sent, reused across applications.

CREATE TABLE applicant_documents (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    valid_until   TEXT,
    filename      TEXT    NOT NULL,
    content_type  TEXT    NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes    BIGINT NOT NULL,
    content       BYTEA   NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX applicant_documents_user ON applicant_documents (user_id, id);
