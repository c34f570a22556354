-- 包联责任: each project's leader in charge (包联领导), responsible person (A角), stand-in (B角)
-- and approval agent (代办员) by username, with a version (a stale change is refused); a user
-- marked away has the B角 take the work of the projects they are the A角 of.
ALTER TABLE users ADD COLUMN away BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE project_assignments (
    project_id BIGINT NOT NULL PRIMARY KEY REFERENCES projects (id),
    leader     TEXT   NOT NULL DEFAULT '',
    a_role     TEXT   NOT NULL DEFAULT '',
    b_role     TEXT   NOT NULL DEFAULT '',
    agent      TEXT   NOT NULL DEFAULT '',
    version    BIGINT NOT NULL DEFAULT 1
);
