-- The breaking-news ribbon: at most one article per language shown above every page of
-- that language until `until` (a Unix second) or until an editor removes it.
CREATE TABLE breaking_news (
    lang TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    until INTEGER NOT NULL,
    set_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    set_at INTEGER NOT NULL
);
