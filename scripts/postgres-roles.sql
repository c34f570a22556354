-- 三员分立 on PostgreSQL: a login role for the kfq server that reads and writes its tables but
-- cannot change, remove or truncate an audit entry, whatever kfq's code did. Run it as the
-- database's owner after the first start (which creates the tables), then point kfq at it:
--
--   psql -d kfq -f scripts/postgres-roles.sql
--   ALTER ROLE kfq_app PASSWORD '…';            -- unless the server trusts local connections
--   kfq --database postgres://kfq_app@host/kfq serve
--
-- Migrations of a new kfq version and `kfq audit prune` (retention) run as the owner.
DO $$
BEGIN
    CREATE ROLE kfq_app LOGIN;
EXCEPTION WHEN duplicate_object THEN
    NULL;
END
$$;
GRANT USAGE ON SCHEMA public TO kfq_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kfq_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO kfq_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM kfq_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON kfq_migrations, audit_anchor FROM kfq_app;
