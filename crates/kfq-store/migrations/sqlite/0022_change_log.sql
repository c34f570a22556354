-- 变更记录 — which projects changed, and at which version of the data. A trigger notes every
-- project whose row, batch entries, monthly reports or blockers are written (version NULL
-- until the commit numbers it: `Tx::commit`); a process holding a read model of version V
-- reads again only the projects noted after V. One row per project: the table never grows
-- past the ledger. (An upsert, not INSERT OR REPLACE: a trigger's OR clause gives way to the
-- outer statement's.)
CREATE TABLE kfq_changes (
    project_id INTEGER PRIMARY KEY,
    version    BIGINT
);
CREATE INDEX kfq_changes_by_version ON kfq_changes (version);

CREATE TRIGGER kfq_projects_inserted AFTER INSERT ON projects
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (NEW.id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_projects_updated AFTER UPDATE ON projects
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (NEW.id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_projects_deleted AFTER DELETE ON projects
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (OLD.id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;

CREATE TRIGGER kfq_entries_inserted AFTER INSERT ON batch_entries
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (NEW.project_id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_entries_updated AFTER UPDATE ON batch_entries
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (NEW.project_id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_entries_deleted AFTER DELETE ON batch_entries
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (OLD.project_id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;

CREATE TRIGGER kfq_monthly_inserted AFTER INSERT ON monthly_reports
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (NEW.project_id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_monthly_updated AFTER UPDATE ON monthly_reports
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (NEW.project_id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_monthly_deleted AFTER DELETE ON monthly_reports
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (OLD.project_id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;

CREATE TRIGGER kfq_blockers_inserted AFTER INSERT ON blockers
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (NEW.project_id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_blockers_updated AFTER UPDATE ON blockers
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (NEW.project_id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
CREATE TRIGGER kfq_blockers_deleted AFTER DELETE ON blockers
BEGIN INSERT INTO kfq_changes (project_id, version) VALUES (OLD.project_id, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL; END;
