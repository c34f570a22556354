-- Users, their sessions and API tokens. Secrets are stored only as hashes: passwords as
-- argon2id PHC strings, session and token secrets as SHA-256 hex.

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT    NOT NULL UNIQUE,
    display_name         TEXT    NOT NULL DEFAULT '',
    password_hash        TEXT    NOT NULL,
    role                 TEXT    NOT NULL CHECK (role IN ('province', 'city', 'zone', 'department', 'agent', 'leader')),
    -- A province or city code, or a zone's id prefixed with "zone:".
    scope                TEXT    NOT NULL,
    lang                 TEXT    NOT NULL DEFAULT 'zh',
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    secret_hash TEXT      PRIMARY KEY,
    user_id     INTEGER   NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    last_seen   TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    secret_hash TEXT      PRIMARY KEY,
    user_id     INTEGER   NOT NULL REFERENCES users (id),
    name        TEXT      NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
