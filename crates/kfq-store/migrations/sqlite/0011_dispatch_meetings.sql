-- 调度会: a blocker carries the day it was raised (new blockers come before the next meeting);
-- a meeting belongs to a zone, a city or the province (its scope, stored as a user's is), has
-- an agenda of projects with the reasons each is on it and what was decided, and a version (a
-- stale change is refused) and, once final, the minutes as they were made final (a DOCX file);
-- the blockers a decision opened or changed are linked to its item.
ALTER TABLE blockers ADD COLUMN raised_on DATE;

CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    scope      TEXT    NOT NULL,
    level      TEXT    NOT NULL CHECK (level IN ('zone', 'city', 'province')),
    title      TEXT    NOT NULL,
    held_on    DATE    NOT NULL,
    chair      TEXT    NOT NULL DEFAULT '',
    attendees  TEXT    NOT NULL DEFAULT '',
    closed     BOOLEAN NOT NULL DEFAULT FALSE,
    minutes    BLOB,
    version    BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX meetings_by_scope ON meetings (scope, held_on);

CREATE TABLE agenda_items (
    id         INTEGER PRIMARY KEY,
    meeting_id BIGINT  NOT NULL REFERENCES meetings (id),
    project_id BIGINT  NOT NULL REFERENCES projects (id),
    position   BIGINT  NOT NULL,
    reasons    TEXT    NOT NULL DEFAULT '',
    decision   TEXT    NOT NULL DEFAULT '',
    version    BIGINT  NOT NULL DEFAULT 1,
    UNIQUE (meeting_id, project_id)
);

CREATE TABLE decision_blockers (
    item_id    BIGINT  NOT NULL REFERENCES agenda_items (id),
    blocker_id BIGINT  NOT NULL REFERENCES blockers (id),
    action     TEXT    NOT NULL CHECK (action IN ('opened', 'updated')),
    PRIMARY KEY (item_id, blocker_id)
);
