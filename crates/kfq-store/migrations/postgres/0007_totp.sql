-- 动态口令: a user's TOTP secret (base32) once confirmed, the one being set up until it is,
-- and the last step whose code was used (a code signs in once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
