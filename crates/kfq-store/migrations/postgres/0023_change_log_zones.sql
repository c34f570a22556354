-- 变更记录 of the zones and rounds: a write to either notes the row of project 0 (no project has
-- that id), so a process holding a read model reads the two small tables again only when one
-- of them changed, not at every write of a monthly figure.
CREATE FUNCTION kfq_note_zones_or_rounds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO kfq_changes (project_id, version) VALUES (0, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL;
    RETURN NULL;
END $$;

CREATE TRIGGER kfq_zones_changed AFTER INSERT OR UPDATE OR DELETE ON zones
    FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_zones_or_rounds();
CREATE TRIGGER kfq_rounds_changed AFTER INSERT OR UPDATE OR DELETE ON rounds
    FOR EACH STATEMENT EXECUTE FUNCTION kfq_note_zones_or_rounds();

INSERT INTO kfq_changes (project_id, version) VALUES (0, NULL)
    ON CONFLICT (project_id) DO UPDATE SET version = NULL;
