-- User ids by case-insensitive substring through an index (ADR 192): pg_trgm's GIN index over the lower-cased
-- user id serves `LOWER("userId") LIKE '%…%'` (and the prefix of a 1–2 character query). PostgreSQL maintains
-- it, so existing rows are indexed by the CREATE INDEX itself. pg_trgm ships with PostgreSQL (contrib; Debian's
-- postgresql package includes it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "SessionIndex_userId_trgm_idx" ON "SessionIndex" USING GIN (LOWER("userId") gin_trgm_ops);
