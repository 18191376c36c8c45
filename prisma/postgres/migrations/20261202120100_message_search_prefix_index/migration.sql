-- SQLite only (ADR 193: FTS5 prefix indexes). PostgreSQL's GIN index over to_tsvector already serves prefix
-- terms (`refund:*`) from its sorted keys; nothing to change.
SELECT 1;
