-- 安全策略 and other settings changed in kfq itself (by the security administrator), over the
-- defaults the environment gives: one row per setting, its value as text, who changed it when.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by TEXT NOT NULL
);
