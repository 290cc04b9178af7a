-- Indexes a deep archive needs: the newsroom's article list and the sitemap index read the
-- newest changes first, which without them sorts every article on each request.
CREATE INDEX articles_updated ON articles (updated_at, id);
CREATE INDEX articles_status_updated ON articles (status, updated_at);
