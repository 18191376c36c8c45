-- PostgreSQL only (ADR 201: full-text search folds diacritics there too). SQLite's FTS5 tokenizer already does
-- (unicode61 remove_diacritics 2); nothing to change.
SELECT 1;
