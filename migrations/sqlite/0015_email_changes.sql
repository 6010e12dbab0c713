-- A change of e-mail address waits for its confirmation from the new mailbox (the link's token
-- stored by hash); the password was typed again to ask for it.
CREATE TABLE email_changes (
    hash        TEXT    PRIMARY KEY,
    user_id     INTEGER  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    new_email   TEXT    NOT NULL,
    created_at  INTEGER  NOT NULL,
    expires_at  INTEGER  NOT NULL,
    used_at     INTEGER
);
CREATE INDEX email_changes_user ON email_changes (user_id);
