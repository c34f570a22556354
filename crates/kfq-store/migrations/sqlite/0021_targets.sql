-- 目标任务: a zone's target for an indicator in a year; 指标月报: what a zone entered for an
-- indicator in a month (months as yyyymm). Figures are kept in ten-thousandths of their unit.
-- Both carry a version (a stale change is refused).
CREATE TABLE targets (
    id            INTEGER PRIMARY KEY,
    zone_id       BIGINT  NOT NULL REFERENCES zones (id),
    year          INTEGER NOT NULL,
    indicator     TEXT    NOT NULL,
    value_scaled  BIGINT  NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    version       BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX targets_by_zone ON targets (zone_id, year, indicator);

CREATE TABLE indicator_values (
    id            INTEGER PRIMARY KEY,
    zone_id       BIGINT  NOT NULL REFERENCES zones (id),
    month         BIGINT  NOT NULL,
    indicator     TEXT    NOT NULL,
    value_scaled  BIGINT  NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    version       BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX indicator_values_by_zone ON indicator_values (zone_id, month, indicator);
