-- 三员分立: the system, security and audit administrators, and accounts awaiting a role; an
-- account can be disabled.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('province', 'city', 'zone', 'department', 'agent', 'leader',
                                                                  'sysadmin', 'secadmin', 'auditadmin', 'pending'));
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;

-- The audit trail is append-only in the database itself, whoever connects: no entry can be
-- changed or truncated, and none younger than six months removed (retention removes only
-- older ones). scripts/postgres-roles.sql adds a login role that lacks the rights altogether.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '6 months' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_events younger than six months are kept';
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: entries are never changed';
END
$$;
CREATE TRIGGER audit_events_are_never_changed BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE FUNCTION audit_events_not_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: it is never truncated';
END
$$;
CREATE TRIGGER audit_events_are_never_truncated BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_not_truncated();

-- Where the chain starts once retention has removed its oldest entries: the hash of the last
-- entry removed, which the first remaining entry's hash covers.
CREATE TABLE audit_anchor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    hash        TEXT        NOT NULL,
    through_id  BIGINT      NOT NULL,
    removed     BIGINT      NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
