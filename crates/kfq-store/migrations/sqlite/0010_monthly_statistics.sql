-- 月统计: each month's figure carries its progress (形象进度); a project has an investment plan per
-- year (年度计划投资); a zone's return for a month moves draft → submitted → returned | approved,
-- with a version (a stale change is refused); each approval freezes a revision of the figures
-- (monthly_revisions), kept when the month is reopened; the return's history (报送记录) is kept
-- beside it.
ALTER TABLE monthly_reports ADD COLUMN progress TEXT NOT NULL DEFAULT '';

CREATE TABLE annual_plans (
    project_id   BIGINT  NOT NULL REFERENCES projects (id),
    year         BIGINT  NOT NULL,
    planned_yuan BIGINT  NOT NULL CHECK (planned_yuan >= 0),
    PRIMARY KEY (project_id, year)
);

CREATE TABLE monthly_returns (
    zone_id      BIGINT  NOT NULL REFERENCES zones (id),
    month        BIGINT  NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    revision     BIGINT  NOT NULL DEFAULT 0,
    reopened     BOOLEAN NOT NULL DEFAULT FALSE,
    late         BOOLEAN NOT NULL DEFAULT FALSE,
    submitted_at TIMESTAMP,
    submitted_by TEXT    NOT NULL DEFAULT '',
    reviewed_at  TIMESTAMP,
    reviewed_by  TEXT    NOT NULL DEFAULT '',
    comment      TEXT    NOT NULL DEFAULT '',
    version      BIGINT  NOT NULL,
    PRIMARY KEY (zone_id, month)
);

CREATE TABLE monthly_revisions (
    zone_id       BIGINT NOT NULL REFERENCES zones (id),
    month         BIGINT NOT NULL,
    revision      BIGINT NOT NULL,
    project_id    BIGINT NOT NULL REFERENCES projects (id),
    invested_yuan BIGINT NOT NULL CHECK (invested_yuan >= 0),
    progress      TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (zone_id, month, revision, project_id)
);

CREATE TABLE monthly_return_log (
    id      INTEGER PRIMARY KEY,
    zone_id BIGINT NOT NULL REFERENCES zones (id),
    month   BIGINT NOT NULL,
    at      TIMESTAMP NOT NULL,
    actor   TEXT   NOT NULL,
    action  TEXT   NOT NULL,
    comment TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX monthly_return_log_by_return ON monthly_return_log (zone_id, month, id);
