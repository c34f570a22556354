-- One counter, bumped by every committed write: a process compares it with the version of the
-- snapshot it holds and reads the ledger again only when the data changed.
CREATE TABLE kfq_data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO kfq_data_version (id, version) VALUES (1, 0);
