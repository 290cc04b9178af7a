-- The newsroom finds an article by any part of its headline (`LOWER(headline) LIKE '%…%'`):
-- a trigram index answers that from the words asked for instead of reading every headline
-- of the archive. pg_trgm ships with PostgreSQL and is a trusted extension, which the
-- database's owner may create.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX articles_headline_trigrams ON articles USING gin (LOWER(headline) gin_trgm_ops);

-- A contributor's own articles, newest change first, and their count; and the articles a
-- removed member had created.
CREATE INDEX articles_created_by ON articles (created_by, updated_at, id);
