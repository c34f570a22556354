-- 招商线索: a zone's investment leads before signing — source, chain, investor, what they
-- mean to invest, who speaks for them and who in the zone works the lead, how far it has come
-- and the project signing made of it — with a version (a stale change is refused); and the log
-- of contacts and visits, oldest first.
CREATE TABLE leads (
    id                    INTEGER PRIMARY KEY,
    zone_id               BIGINT  NOT NULL REFERENCES zones (id),
    name                  TEXT    NOT NULL,
    source                TEXT    NOT NULL DEFAULT 'other'
        CHECK (source IN ('liaison_office', 'promotion', 'referral', 'outbound', 'other')),
    chain                 TEXT    NOT NULL DEFAULT '',
    investor              TEXT    NOT NULL,
    expected_investment_yuan BIGINT CHECK (expected_investment_yuan >= 0),
    contact               TEXT    NOT NULL DEFAULT '',
    owner                 TEXT    NOT NULL DEFAULT '',
    status                TEXT    NOT NULL DEFAULT 'contact'
        CHECK (status IN ('contact', 'inspection', 'negotiation', 'signed', 'dropped')),
    registered_on         DATE    NOT NULL,
    signed_on             DATE,
    dropped_on            DATE,
    reason                TEXT    NOT NULL DEFAULT '',
    project_id            BIGINT  UNIQUE REFERENCES projects (id),
    version               BIGINT  NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX leads_by_zone_name ON leads (zone_id, name);

CREATE TABLE lead_visits (
    id         INTEGER PRIMARY KEY,
    lead_id    BIGINT  NOT NULL REFERENCES leads (id),
    visited_on DATE    NOT NULL,
    kind       TEXT    NOT NULL
        CHECK (kind IN ('call', 'visit', 'inspection', 'talks', 'other')),
    people     TEXT    NOT NULL DEFAULT '',
    note       TEXT    NOT NULL,
    author     TEXT    NOT NULL,
    at         TIMESTAMP NOT NULL
);
CREATE INDEX lead_visits_by_lead ON lead_visits (lead_id, id);
