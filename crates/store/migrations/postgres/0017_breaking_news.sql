-- The breaking-news ribbon: at most one article per language shown above every page of
-- that language until `until` (a Unix second) or until an editor removes it.
CREATE TABLE breaking_news (
    lang TEXT PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    until BIGINT NOT NULL,
    set_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    set_at BIGINT NOT NULL
);
