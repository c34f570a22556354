-- 变更记录 of the zones and rounds: a write to either notes the row of project 0 (no project has
-- that id), so a process holding a read model reads the two small tables again only when one
-- of them changed, not at every write of a monthly figure.
CREATE TRIGGER kfq_zones_inserted AFTER INSERT ON zones
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (0, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_zones_updated AFTER UPDATE ON zones
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (0, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_zones_deleted AFTER DELETE ON zones
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (0, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;

CREATE TRIGGER kfq_rounds_inserted AFTER INSERT ON rounds
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (0, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_rounds_updated AFTER UPDATE ON rounds
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (0, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_rounds_deleted AFTER DELETE ON rounds
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (0, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;

INSERT INTO kfq_changes (project_id, version) VALUES (0, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL;
