-- A finding an official looked at and set aside, with the reason (kept also in the audit
-- trail). `projects` is the finding's project codes, sorted and joined by commas.
CREATE TABLE finding_dismissals (
    id           INTEGER PRIMARY KEY,
    rule         TEXT      NOT NULL,
    projects     TEXT      NOT NULL,
    reason       TEXT      NOT NULL CHECK (reason <> ''),
    dismissed_by TEXT      NOT NULL,
    dismissed_at TIMESTAMP NOT NULL,
    UNIQUE (rule, projects)
);
