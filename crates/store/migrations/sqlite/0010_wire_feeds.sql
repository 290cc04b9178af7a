-- Wire feeds an editor registered, and the items each has brought in (so the same item never
-- arrives twice: by its GUID within the feed, and by its link across feeds).
CREATE TABLE wire_feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    lang TEXT NOT NULL,
    section_id INTEGER NOT NULL REFERENCES sections (id),
    author_id INTEGER NOT NULL REFERENCES authors (id),
    publish INTEGER NOT NULL DEFAULT 0,
    interval_minutes INTEGER NOT NULL DEFAULT 15,
    active INTEGER NOT NULL DEFAULT 1,
    etag TEXT,
    last_modified TEXT,
    next_poll_at INTEGER NOT NULL,
    claim TEXT,
    claim_until INTEGER,
    last_polled_at INTEGER,
    last_status TEXT NOT NULL DEFAULT 'new',
    last_error TEXT,
    items_total INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE wire_items (
    feed_id INTEGER NOT NULL REFERENCES wire_feeds (id) ON DELETE CASCADE,
    guid TEXT NOT NULL,
    link TEXT NOT NULL,
    article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (feed_id, guid)
);
CREATE INDEX wire_items_link ON wire_items (link);
