-- Where each audited request came from, and the hash chain over the trail: each entry's hash
-- covers the one before and all its own fields (kfq_core::audit::chain_hash). Entries written
-- before this version carry no hash and stand before the chain.
ALTER TABLE audit_events ADD COLUMN ip TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
