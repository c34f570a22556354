-- 标准地: a zone's parcels with their area (0.01 亩), control indicators (元 per 亩; 容积率 in
-- hundredths) and the project each was sold to, on which day; and 承诺制: the commitments a
-- project's owner filed, each with its due day and the check's day and finding. Both carry a
-- version (a stale change is refused).
CREATE TABLE land_parcels (
    id               INTEGER PRIMARY KEY,
    zone_id          BIGINT  NOT NULL REFERENCES zones (id),
    code             TEXT    NOT NULL,
    location         TEXT    NOT NULL DEFAULT '',
    area_hundredths  BIGINT  NOT NULL CHECK (area_hundredths > 0),
    intensity_yuan   BIGINT  CHECK (intensity_yuan >= 0),
    output_yuan      BIGINT  CHECK (output_yuan >= 0),
    tax_yuan         BIGINT  CHECK (tax_yuan >= 0),
    plot_ratio_hundredths BIGINT CHECK (plot_ratio_hundredths >= 0),
    project_id       BIGINT  REFERENCES projects (id),
    allocated_on     DATE,
    note             TEXT    NOT NULL DEFAULT '',
    version          BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX land_parcels_by_zone ON land_parcels (zone_id, code);

CREATE TABLE commitments (
    id          INTEGER PRIMARY KEY,
    zone_id     BIGINT  NOT NULL REFERENCES zones (id),
    project_id  BIGINT  NOT NULL REFERENCES projects (id),
    item        TEXT    NOT NULL,
    content     TEXT    NOT NULL DEFAULT '',
    filed_on    DATE    NOT NULL,
    due_on      DATE,
    verified_on DATE,
    result      TEXT    NOT NULL DEFAULT 'pending' CHECK (result IN ('pending', 'kept', 'broken')),
    note        TEXT    NOT NULL DEFAULT '',
    version     BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX commitments_by_project ON commitments (project_id, item);
CREATE INDEX commitments_by_zone ON commitments (zone_id, filed_on);
