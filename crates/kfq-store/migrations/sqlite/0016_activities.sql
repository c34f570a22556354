-- 招商活动: a zone's liaison offices (open until closed), promotion events and attraction trips,
-- with where, who led and went, whom they met, and a version (a stale change is refused); a
-- lead may name the activity that produced it.
CREATE TABLE activities (
    id         INTEGER PRIMARY KEY,
    zone_id    BIGINT  NOT NULL REFERENCES zones (id),
    kind       TEXT    NOT NULL CHECK (kind IN ('liaison_office', 'event', 'trip')),
    name       TEXT    NOT NULL,
    place      TEXT    NOT NULL DEFAULT '',
    started_on DATE    NOT NULL,
    ended_on   DATE,
    leader     TEXT    NOT NULL DEFAULT '',
    people     TEXT    NOT NULL DEFAULT '',
    met        TEXT    NOT NULL DEFAULT '',
    note       TEXT    NOT NULL DEFAULT '',
    version    BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX activities_by_zone ON activities (zone_id, started_on);

ALTER TABLE leads ADD COLUMN activity_id BIGINT REFERENCES activities (id);
