-- 入库入统: each project's registration in the fixed-asset investment statistics database —
-- its status, the day applied for and registered, the code the statistics system gave it —
-- with a version (a stale change is refused). One per project.
CREATE TABLE registrations (
    id            INTEGER PRIMARY KEY,
    zone_id       BIGINT  NOT NULL REFERENCES zones (id),
    project_id    BIGINT  NOT NULL UNIQUE REFERENCES projects (id),
    status        TEXT    NOT NULL DEFAULT 'not_applied'
        CHECK (status IN ('not_applied', 'applied', 'registered', 'rejected')),
    applied_on    DATE,
    registered_on DATE,
    stats_code    TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    version       BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX registrations_by_zone ON registrations (zone_id);
