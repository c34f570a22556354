-- 审批事项与领办代办: a project's approval procedures, one per name, each with its 代办员, the
-- days it was accepted, submitted and approved, whether it went under 承诺制, and a version (a
-- stale change is refused).
CREATE TABLE procedures (
    id           INTEGER PRIMARY KEY,
    project_id   BIGINT  NOT NULL REFERENCES projects (id),
    name         TEXT    NOT NULL,
    agent        TEXT    NOT NULL DEFAULT '',
    accepted_on  DATE,
    submitted_on DATE,
    approved_on  DATE,
    commitment   BOOLEAN NOT NULL DEFAULT FALSE,
    note         TEXT    NOT NULL DEFAULT '',
    version      BIGINT  NOT NULL DEFAULT 1,
    UNIQUE (project_id, name)
);
CREATE INDEX procedures_by_accepted ON procedures (accepted_on);
