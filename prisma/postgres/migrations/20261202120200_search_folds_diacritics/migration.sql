-- Full-text search folds diacritics as SQLite's FTS5 does (ADR 201): "café" finds "cafe" and the reverse.
-- unaccent is a contrib extension (part of Debian's postgresql package). Its function is only STABLE (it reads a
-- dictionary by name), so the index expression goes through IMMUTABLE wrappers naming the dictionary exactly.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

-- The words of a message body as the GIN index holds them.
CREATE OR REPLACE FUNCTION console_search_vector(body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT to_tsvector('simple'::regconfig, public.unaccent('public.unaccent'::regdictionary, body)) $$;

-- Typed words as an AND of prefixes, folded and split by the same parser as the bodies; every word is quoted
-- (whatever unaccent made of it, e.g. "½" → " 1/2"), so no input is tsquery syntax. NULL when there is no word.
CREATE OR REPLACE FUNCTION console_search_query(words text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT to_tsquery('simple'::regconfig, string_agg('''' || replace(replace(w, '\', '\\'), '''', '''''') || ''':*', ' & '))
        FROM unnest(tsvector_to_array(console_search_vector(words))) AS w $$;

DROP INDEX IF EXISTS "IndexedMessage_body_search_idx";
CREATE INDEX "IndexedMessage_body_search_idx" ON "IndexedMessage" USING GIN (console_search_vector("body"));
