-- 三员分立: the system, security and audit administrators, and accounts awaiting a role; an
-- account can be disabled. SQLite cannot alter a CHECK, so the users table is rebuilt; the
-- sessions and tokens that point at it are set aside meanwhile so that no foreign key breaks.
CREATE TABLE users_new (
    id                   INTEGER PRIMARY KEY,
    username             TEXT    NOT NULL UNIQUE,
    display_name         TEXT    NOT NULL DEFAULT '',
    password_hash        TEXT    NOT NULL,
    role                 TEXT    NOT NULL CHECK (role IN ('province', 'city', 'zone', 'department', 'agent', 'leader',
                                                          'sysadmin', 'secadmin', 'auditadmin', 'pending')),
    -- A province or city code, or a zone's id prefixed with "zone:".
    scope                TEXT    NOT NULL,
    lang                 TEXT    NOT NULL DEFAULT 'zh',
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMP NOT NULL,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO users_new (id, username, display_name, password_hash, role, scope, lang, must_change_password, created_at)
    SELECT id, username, display_name, password_hash, role, scope, lang, must_change_password, created_at FROM users;
CREATE TEMP TABLE kept_sessions AS SELECT * FROM sessions;
CREATE TEMP TABLE kept_tokens AS SELECT * FROM api_tokens;
DELETE FROM sessions;
DELETE FROM api_tokens;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
INSERT INTO sessions SELECT * FROM temp.kept_sessions;
INSERT INTO api_tokens SELECT * FROM temp.kept_tokens;
DROP TABLE temp.kept_sessions;
DROP TABLE temp.kept_tokens;

-- The audit trail is append-only in the database itself, whoever connects: no entry can be
-- changed, and none younger than six months removed (retention removes only older ones).
CREATE TRIGGER audit_events_are_never_changed BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only: entries are never changed');
END;
CREATE TRIGGER audit_events_are_kept_six_months BEFORE DELETE ON audit_events
WHEN julianday(OLD.at) > julianday('now', '-6 months')
BEGIN
    SELECT RAISE(ABORT, 'audit_events younger than six months are kept');
END;

-- Where the chain starts once retention has removed its oldest entries: the hash of the last
-- entry removed, which the first remaining entry's hash covers.
CREATE TABLE audit_anchor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    hash        TEXT      NOT NULL,
    through_id  BIGINT    NOT NULL,
    removed     BIGINT    NOT NULL,
    at          TIMESTAMP NOT NULL
);
