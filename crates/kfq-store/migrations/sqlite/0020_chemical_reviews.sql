-- 化工园区安全风险等级复核: each item of a zone's review of a year, scored (in tenths of a point)
-- against the province's checklist (a setting), what was found wanting and the evidence, and
-- its rectification — who answers for it, by when, and when it was done — with a version (a
-- stale change is refused). One per zone, year and item.
CREATE TABLE chemical_findings (
    id            INTEGER PRIMARY KEY,
    zone_id       BIGINT  NOT NULL REFERENCES zones (id),
    year          INTEGER NOT NULL,
    item          TEXT    NOT NULL,
    score_tenths  BIGINT  NOT NULL CHECK (score_tenths >= 0),
    problem       TEXT    NOT NULL DEFAULT '',
    evidence      TEXT    NOT NULL DEFAULT '',
    owner         TEXT    NOT NULL DEFAULT '',
    due_on        DATE,
    rectified_on  DATE,
    note          TEXT    NOT NULL DEFAULT '',
    version       BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX chemical_findings_by_item ON chemical_findings (zone_id, year, item);
