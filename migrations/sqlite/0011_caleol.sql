-- The allocation committee (CALEOL): members' seats, sessions and their agenda, members' votes,
-- the commission's decisions, the offers made to the candidates it ranked, leases, and the
-- triennial occupation review. Nothing is added to `users`: SQLite rebuilds that table after the
-- migrations (sqlite-rebuilds/users_roles.sql) with a fixed column list.

-- A member's seat: the quality they sit in (which says whether they vote) on their commission.
CREATE TABLE commission_seats (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id),
    commission_id  INTEGER NOT NULL REFERENCES commissions(id),
    quality        TEXT    NOT NULL CHECK (quality IN ('administrateur', 'maire', 'prefet',
                                                       'president_epci', 'association', 'reservataire'))
);
CREATE INDEX commission_seats_commission ON commission_seats (commission_id);
-- Members invited before seats existed sit as designated members.
INSERT INTO commission_seats (user_id, commission_id, quality)
    SELECT id, commission_id, 'administrateur' FROM users
    WHERE role = 'member' AND commission_id IS NOT NULL;

-- Elected by the designated members (R441-9); records the outcomes and signs the minutes.
ALTER TABLE commissions ADD COLUMN president_user_id INTEGER REFERENCES users(id);
-- Commissions created before presidents were recorded: their earliest member presides, so that
-- sessions can open.
UPDATE commissions SET president_user_id = (
    SELECT MIN(u.id) FROM users u WHERE u.commission_id = commissions.id AND u.role = 'member');

-- Staff who administer their organisation (they read its audit log).
CREATE TABLE organisation_admins (
    user_id          INTEGER PRIMARY KEY REFERENCES users(id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id)
);

CREATE TABLE caleol_sessions (
    id               INTEGER PRIMARY KEY,
    commission_id    INTEGER NOT NULL REFERENCES commissions(id),
    organisation_id  INTEGER NOT NULL REFERENCES organisations(id),
    mode             TEXT    NOT NULL CHECK (mode IN ('presentielle', 'dematerialisee')),
    held_on          TEXT    NOT NULL,
    quorum           INTEGER NOT NULL CHECK (quorum >= 1),
    status           TEXT    NOT NULL CHECK (status IN ('prevue', 'ouverte', 'close', 'signee')),
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    opened_at        INTEGER,
    closed_at        INTEGER,
    closed_by        INTEGER REFERENCES users(id),
    -- The minutes as generated at the close (JSON), frozen once signed.
    minutes          TEXT,
    observations     TEXT    NOT NULL DEFAULT '',
    signed_at        INTEGER,
    signed_by        INTEGER REFERENCES users(id)
);
CREATE INDEX caleol_sessions_commission ON caleol_sessions (commission_id, held_on);

-- An offer goes before the commission once.
CREATE TABLE session_items (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES caleol_sessions(id),
    offer_id    INTEGER NOT NULL UNIQUE REFERENCES offers(id),
    added_by    INTEGER NOT NULL REFERENCES users(id),
    added_at    INTEGER NOT NULL
);
CREATE INDEX session_items_session ON session_items (session_id);

-- Members present at a session held in person (a dematerialised session counts those who voted).
CREATE TABLE session_attendance (
    session_id  INTEGER NOT NULL REFERENCES caleol_sessions(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (session_id, user_id)
);

-- One vote per member and candidate, changeable until the session closes.
CREATE TABLE votes (
    id              INTEGER PRIMARY KEY,
    item_id         INTEGER NOT NULL REFERENCES session_items(id),
    entry_id        INTEGER NOT NULL REFERENCES ranking_entries(id),
    member_user_id  INTEGER NOT NULL REFERENCES users(id),
    kind            TEXT    NOT NULL,
    rank            INTEGER,
    motive          TEXT    NOT NULL DEFAULT '',
    document        TEXT    NOT NULL DEFAULT '',
    deadline        TEXT    NOT NULL DEFAULT '',
    updated_at      INTEGER NOT NULL,
    UNIQUE (entry_id, member_user_id)
);
CREATE INDEX votes_item ON votes (item_id);

-- The commission's decision for each candidate: recorded by the president while the session is
-- open, or taken from the votes at the close.
CREATE TABLE decisions (
    id                 INTEGER PRIMARY KEY,
    item_id            INTEGER NOT NULL REFERENCES session_items(id),
    entry_id           INTEGER NOT NULL UNIQUE REFERENCES ranking_entries(id),
    applicant_user_id  INTEGER NOT NULL REFERENCES users(id),
    kind               TEXT    NOT NULL CHECK (kind IN ('attribution', 'attribution_rang',
                                   'sous_condition', 'non_attribution', 'irrecevabilite')),
    rank               INTEGER,
    motive             TEXT    NOT NULL DEFAULT '',
    document           TEXT    NOT NULL DEFAULT '',
    deadline           TEXT    NOT NULL DEFAULT '',
    source             TEXT    NOT NULL CHECK (source IN ('president', 'votes')),
    casting_vote       INTEGER NOT NULL DEFAULT 0,
    votes_for          INTEGER NOT NULL DEFAULT 0,
    votes_cast         INTEGER NOT NULL DEFAULT 0,
    recorded_by        INTEGER REFERENCES users(id),
    recorded_at        INTEGER NOT NULL
);
CREATE INDEX decisions_item ON decisions (item_id);

-- The unit offered to an attributed candidate (R441-10): one live offer per unit at a time.
CREATE TABLE offer_proposals (
    id                 INTEGER PRIMARY KEY,
    offer_id           INTEGER NOT NULL REFERENCES offers(id),
    decision_id        INTEGER NOT NULL UNIQUE REFERENCES decisions(id),
    applicant_user_id  INTEGER NOT NULL REFERENCES users(id),
    rank               INTEGER NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('en_attente', 'acceptee', 'refusee',
                                                          'expiree', 'bail_signe')),
    offered_at         INTEGER NOT NULL,
    respond_by         TEXT    NOT NULL,
    responded_at       INTEGER
);
CREATE UNIQUE INDEX offer_proposals_live ON offer_proposals (offer_id)
    WHERE status IN ('en_attente', 'acceptee', 'bail_signe');
CREATE INDEX offer_proposals_applicant ON offer_proposals (applicant_user_id);

-- Tenancies: from a lease signed here, or recorded by staff; the occupation review counts three
-- years from `signed_on` (L442-5-2).
CREATE TABLE leases (
    id                INTEGER PRIMARY KEY,
    organisation_id   INTEGER NOT NULL REFERENCES organisations(id),
    unit_id           INTEGER NOT NULL REFERENCES units(id),
    offer_id          INTEGER REFERENCES offers(id),
    tenant_user_id    INTEGER REFERENCES users(id),
    tenant_name       TEXT    NOT NULL,
    signed_on         TEXT    NOT NULL,
    -- Comma-separated occupation situations flagged by staff.
    occupation_flags  TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL
);
CREATE INDEX leases_organisation ON leases (organisation_id);

CREATE TABLE occupation_reviews (
    id                 INTEGER PRIMARY KEY,
    lease_id           INTEGER NOT NULL REFERENCES leases(id),
    session_id         INTEGER NOT NULL REFERENCES caleol_sessions(id),
    due_on             TEXT    NOT NULL,
    flags              TEXT    NOT NULL,
    finding            TEXT    NOT NULL,
    proposed_unit      TEXT    NOT NULL,
    proposed_typology  TEXT    NOT NULL DEFAULT '',
    recorded_by        INTEGER NOT NULL REFERENCES users(id),
    recorded_at        INTEGER NOT NULL,
    UNIQUE (lease_id, due_on)
);
