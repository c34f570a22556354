-- 赋权事项: the powers the province, the city and the county delegated to a zone, each with the
-- day of its grant and the day the zone took it up (none: not yet); and 一件事一次办: a zone's
-- bundled services, each joining several procedures (one per line), with the day it went into
-- use. Both carry a version (a stale change is refused).
CREATE TABLE delegated_powers (
    id          INTEGER PRIMARY KEY,
    zone_id     BIGINT  NOT NULL REFERENCES zones (id),
    level       TEXT    NOT NULL CHECK (level IN ('province', 'city', 'county')),
    name        TEXT    NOT NULL,
    code        TEXT    NOT NULL DEFAULT '',
    granted_on  DATE,
    taken_up_on DATE,
    note        TEXT    NOT NULL DEFAULT '',
    version     BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX delegated_powers_by_zone ON delegated_powers (zone_id, level, name);

CREATE TABLE service_bundles (
    id          INTEGER PRIMARY KEY,
    zone_id     BIGINT  NOT NULL REFERENCES zones (id),
    name        TEXT    NOT NULL,
    procedures  TEXT    NOT NULL,
    launched_on DATE,
    note        TEXT    NOT NULL DEFAULT '',
    version     BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX service_bundles_by_zone ON service_bundles (zone_id, name);
