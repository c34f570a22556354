-- 变更记录 — which projects changed, and at which version of the data. Statement triggers note
-- every project whose row, batch entries, monthly reports or blockers are written (version
-- NULL until the commit numbers it: `Tx::commit`); a process holding a read model of version
-- V reads again only the projects noted after V. One row per project: the table never grows
-- past the ledger. Statement triggers with transition tables keep a bulk load to one INSERT
-- per statement.
CREATE TABLE kfq_changes (
    project_id BIGINT PRIMARY KEY,
    version    BIGINT
);
CREATE INDEX kfq_changes_by_version ON kfq_changes (version);

CREATE FUNCTION kfq_note_projects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kfq_changes (project_id, version) SELECT DISTINCT id, NULL::BIGINT FROM changed
    ON CONFLICT (project_id) DO UPDATE SET version = NULL;
    RETURN NULL;
END $$;

CREATE FUNCTION kfq_note_project_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kfq_changes (project_id, version)
    SELECT DISTINCT project_id, NULL::BIGINT FROM changed
    ON CONFLICT (project_id) DO UPDATE SET version = NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER kfq_projects_inserted AFTER INSERT ON projects
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_projects();
CREATE TRIGGER kfq_projects_updated AFTER UPDATE ON projects
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_projects();
CREATE TRIGGER kfq_projects_deleted AFTER DELETE ON projects
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_projects();

CREATE TRIGGER kfq_entries_inserted AFTER INSERT ON batch_entries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_project_rows();
CREATE TRIGGER kfq_entries_updated AFTER UPDATE ON batch_entries
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_project_rows();
CREATE TRIGGER kfq_entries_deleted AFTER DELETE ON batch_entries
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_project_rows();

CREATE TRIGGER kfq_monthly_inserted AFTER INSERT ON monthly_reports
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_project_rows();
CREATE TRIGGER kfq_monthly_updated AFTER UPDATE ON monthly_reports
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_project_rows();
CREATE TRIGGER kfq_monthly_deleted AFTER DELETE ON monthly_reports
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_project_rows();

CREATE TRIGGER kfq_blockers_inserted AFTER INSERT ON blockers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_project_rows();
CREATE TRIGGER kfq_blockers_updated AFTER UPDATE ON blockers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_project_rows();
CREATE TRIGGER kfq_blockers_deleted AFTER DELETE ON blockers
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_project_rows();
