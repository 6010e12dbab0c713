-- A change of e-mail address waits for its confirmation from the new mailbox (the link's token
-- stored by hash); the password was typed again to ask for it.
CREATE TABLE email_changes (
    hash        TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    new_email   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
CREATE INDEX email_changes_user ON email_changes (user_id);
