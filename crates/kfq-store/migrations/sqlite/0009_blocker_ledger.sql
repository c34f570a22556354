-- 堵点台账: a blocker's category, status, the level it is escalated to, how it was resolved and
-- a version (a stale edit is refused); its progress notes, oldest first. Blockers resolved
-- before this version are resolved.
ALTER TABLE blockers ADD COLUMN category TEXT NOT NULL DEFAULT 'other'
    CHECK (category IN ('land', 'funding', 'approval', 'utilities', 'construction', 'other'));
ALTER TABLE blockers ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'in_progress', 'resolved', 'cannot_resolve'));
ALTER TABLE blockers ADD COLUMN level TEXT NOT NULL DEFAULT 'zone'
    CHECK (level IN ('zone', 'city', 'province'));
ALTER TABLE blockers ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
ALTER TABLE blockers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
UPDATE blockers SET status = 'resolved' WHERE resolved_on IS NOT NULL;

CREATE TABLE blocker_notes (
    id         INTEGER PRIMARY KEY,
    blocker_id BIGINT  NOT NULL REFERENCES blockers (id),
    at         TIMESTAMP NOT NULL,
    author     TEXT    NOT NULL,
    note       TEXT    NOT NULL
);
CREATE INDEX blocker_notes_by_blocker ON blocker_notes (blocker_id, id);
