-- The content model: sections, authors, tags, articles with their authors, tags,
-- corrections and revisions, and the change feed other nodes follow.
CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name_ar TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name_ar TEXT NOT NULL,
    name_en TEXT NOT NULL,
    bio_ar TEXT NOT NULL DEFAULT '',
    bio_en TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL CHECK (lang IN ('ar', 'en')),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (lang, slug)
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL CHECK (lang IN ('ar', 'en')),
    slug TEXT NOT NULL,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    reading_minutes INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    section_id INTEGER NOT NULL REFERENCES sections (id),
    source_name TEXT,
    source_url TEXT,
    image_url TEXT,
    image_alt TEXT,
    image_caption TEXT,
    image_credit TEXT,
    translation_group INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    published_at INTEGER,
    scheduled_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (lang, slug)
);
CREATE INDEX articles_public ON articles (lang, status, published_at);
CREATE INDEX articles_section ON articles (section_id, status, published_at);
CREATE INDEX articles_translation ON articles (translation_group);

-- Bodies live apart from the list columns so that lists and related-story queries read
-- small rows (many to a page) instead of paging through whole articles.
CREATE TABLE article_bodies (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    body_md TEXT NOT NULL,
    body_html TEXT NOT NULL
);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES authors (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author ON article_authors (author_id);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id);

-- Related stories, computed when an article is published or edited (and for the stories
-- it relates to), so that reading them is an index lookup.
CREATE TABLE related_articles (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX related_articles_related ON related_articles (related_id);

CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX corrections_article ON corrections (article_id);

CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    body_md TEXT NOT NULL
);
CREATE INDEX revisions_article ON revisions (article_id);

CREATE TABLE change_events (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    action TEXT NOT NULL
);
