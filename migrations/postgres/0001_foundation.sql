-- PostgreSQL version of migrations/sqlite: keep both in step (same tables, columns, constraints).
-- Accounts, organisations, sessions, one-time e-mail tokens, the mail outbox and the audit log.
-- Timestamps are Unix seconds (BIGINT) and flags are 0/1 BIGINT so that both backends read them
-- the same way through sqlx's Any driver.

CREATE TABLE organisations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT    NOT NULL,
    siren       TEXT    NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE commissions (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisations(id),
    name             TEXT    NOT NULL,
    created_at       BIGINT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE users (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email            TEXT    NOT NULL UNIQUE,
    password_hash    TEXT,
    display_name     TEXT    NOT NULL,
    role             TEXT    NOT NULL CHECK (role IN ('applicant', 'staff', 'member', 'admin')),
    organisation_id  BIGINT REFERENCES organisations(id),
    commission_id    BIGINT REFERENCES commissions(id),
    active           BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    last_login_at    BIGINT,
    CHECK (role <> 'staff' OR organisation_id IS NOT NULL),
    CHECK (role <> 'member' OR (organisation_id IS NOT NULL AND commission_id IS NOT NULL))
);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE sessions (
    id_hash     TEXT    PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE email_tokens (
    hash        TEXT    PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('activation', 'reset', 'invitation')),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);

CREATE TABLE outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id       TEXT    NOT NULL UNIQUE,
    recipient        TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body_text        TEXT    NOT NULL,
    created_at       BIGINT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    locked_until     BIGINT,
    sent_at          BIGINT,
    failed_at        BIGINT,
    last_error       TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, failed_at, next_attempt_at);

CREATE TABLE audit_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_user_id  BIGINT REFERENCES users(id),
    organisation_id BIGINT REFERENCES organisations(id),
    action         TEXT    NOT NULL,
    subject        TEXT    NOT NULL,
    detail         TEXT    NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);
CREATE INDEX audit_log_organisation ON audit_log (organisation_id, created_at);
