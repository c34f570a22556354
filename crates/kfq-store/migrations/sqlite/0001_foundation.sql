-- The foundation: zones, enterprises, projects, rounds and their batches, monthly reports,
-- blockers and the audit trail. Money is integer 元; dates are ISO dates.

CREATE TABLE zones (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    city        TEXT    NOT NULL,
    level       TEXT    NOT NULL CHECK (level IN ('national', 'provincial')),
    kind        TEXT    NOT NULL
);

CREATE TABLE enterprises (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    credit_code  TEXT    UNIQUE,
    chain_leader BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX enterprises_by_name ON enterprises (name);

CREATE TABLE projects (
    id                    INTEGER PRIMARY KEY,
    code                  TEXT    NOT NULL UNIQUE,
    name                  TEXT    NOT NULL,
    zone_id               INTEGER NOT NULL REFERENCES zones (id),
    enterprise_id         INTEGER REFERENCES enterprises (id),
    chain                 TEXT    NOT NULL DEFAULT '',
    strategic_emerging    BOOLEAN NOT NULL DEFAULT FALSE,
    category              TEXT    NOT NULL CHECK (category IN ('industrial', 'infrastructure', 'social')),
    total_investment_yuan BIGINT  NOT NULL CHECK (total_investment_yuan >= 0),
    expected_output_yuan  BIGINT  CHECK (expected_output_yuan >= 0),
    land_area_centimu     BIGINT  CHECK (land_area_centimu >= 0),
    signed_on             DATE,
    landed_on             DATE,
    started_on            DATE,
    producing_on          DATE,
    reached_on            DATE,
    terminated_on         DATE,
    version               BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX projects_by_zone ON projects (zone_id);

CREATE TABLE rounds (
    year    INTEGER NOT NULL,
    seq     INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 4),
    held_on DATE,
    venue   TEXT    NOT NULL DEFAULT '',
    locked  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (year, seq)
);

CREATE TABLE batch_entries (
    round_year           INTEGER NOT NULL,
    round_seq            INTEGER NOT NULL,
    batch                TEXT    NOT NULL CHECK (batch IN ('sign', 'start', 'produce')),
    project_id           INTEGER NOT NULL REFERENCES projects (id),
    zone_id              INTEGER NOT NULL REFERENCES zones (id),
    amount_yuan          BIGINT  NOT NULL CHECK (amount_yuan >= 0),
    expected_output_yuan BIGINT,
    strategic_emerging   BOOLEAN NOT NULL,
    category             TEXT    NOT NULL,
    PRIMARY KEY (round_year, round_seq, batch, project_id),
    FOREIGN KEY (round_year, round_seq) REFERENCES rounds (year, seq)
);
CREATE INDEX batch_entries_by_project ON batch_entries (project_id);

CREATE TABLE monthly_reports (
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    month         INTEGER NOT NULL,
    invested_yuan BIGINT  NOT NULL CHECK (invested_yuan >= 0),
    PRIMARY KEY (project_id, month)
);

CREATE TABLE blockers (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    description TEXT    NOT NULL,
    owner_unit  TEXT    NOT NULL DEFAULT '',
    owner       TEXT    NOT NULL DEFAULT '',
    due_on      DATE,
    resolved_on DATE,
    UNIQUE (project_id, description)
);

CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   TEXT    NOT NULL,
    before      TEXT,
    after       TEXT
);
CREATE INDEX audit_events_by_object ON audit_events (object_type, object_id);
