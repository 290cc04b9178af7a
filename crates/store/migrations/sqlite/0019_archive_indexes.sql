-- Indexes a deep archive needs, so that no hot list walks every article:
-- the newsroom's article list and the sitemap index read the newest changes first;
-- the Google News sitemap reads the public articles of the last two days in any language.
CREATE INDEX articles_updated ON articles (updated_at, id);
CREATE INDEX articles_status_updated ON articles (status, updated_at, id);
CREATE INDEX articles_status_published ON articles (status, published_at);
