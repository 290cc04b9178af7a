-- Indexes a deep archive needs, so that no hot list walks or sorts every article.
-- Public lists (home, a section) and their counts: every column their filter and order
-- read, the near-duplicate link too, so that counting a section and skipping to a deep
-- page of it read the index alone. They replace the narrower articles_public
-- (lang, status, published_at) and articles_section (section_id, status, published_at).
CREATE INDEX articles_lang_public ON articles (lang, status, published_at, id, duplicate_of);
CREATE INDEX articles_section_public ON articles (section_id, lang, status, published_at, id, duplicate_of);
DROP INDEX articles_public;
DROP INDEX articles_section;
-- The newsroom's article list and the sitemap index read the newest changes first.
CREATE INDEX articles_updated ON articles (updated_at, id);
CREATE INDEX articles_status_updated ON articles (status, updated_at, id);
-- The Google News sitemap reads the public articles of the last two days in any language.
CREATE INDEX articles_status_published ON articles (status, published_at);
