-- Tag and author pages list an article through its link row. Each link row carries the
-- article's list keys (its language, its publication time while it is published, its
-- near-duplicate link), kept by the triggers below whatever writes the article, so that
-- counting an author's fifty thousand articles and skipping to a deep page of them read
-- one index and never the articles themselves.
ALTER TABLE article_authors ADD COLUMN lang TEXT;
ALTER TABLE article_authors ADD COLUMN listed_at INTEGER;
ALTER TABLE article_authors ADD COLUMN duplicate_of INTEGER;
ALTER TABLE article_tags ADD COLUMN lang TEXT;
ALTER TABLE article_tags ADD COLUMN listed_at INTEGER;
ALTER TABLE article_tags ADD COLUMN duplicate_of INTEGER;

UPDATE article_authors SET (lang, listed_at, duplicate_of) = (
    SELECT a.lang, CASE WHEN a.status = 'published' THEN a.published_at END, a.duplicate_of
    FROM articles a WHERE a.id = article_authors.article_id);
UPDATE article_tags SET (lang, listed_at, duplicate_of) = (
    SELECT a.lang, CASE WHEN a.status = 'published' THEN a.published_at END, a.duplicate_of
    FROM articles a WHERE a.id = article_tags.article_id);

CREATE INDEX article_authors_listed ON article_authors (author_id, lang, listed_at, article_id, duplicate_of);
CREATE INDEX article_tags_listed ON article_tags (tag_id, lang, listed_at, article_id, duplicate_of);
DROP INDEX article_authors_author;
DROP INDEX article_tags_tag;

CREATE TRIGGER article_authors_keys AFTER INSERT ON article_authors BEGIN
    UPDATE article_authors SET (lang, listed_at, duplicate_of) = (
        SELECT a.lang, CASE WHEN a.status = 'published' THEN a.published_at END, a.duplicate_of
        FROM articles a WHERE a.id = NEW.article_id)
    WHERE article_id = NEW.article_id AND author_id = NEW.author_id;
END;
CREATE TRIGGER article_tags_keys AFTER INSERT ON article_tags BEGIN
    UPDATE article_tags SET (lang, listed_at, duplicate_of) = (
        SELECT a.lang, CASE WHEN a.status = 'published' THEN a.published_at END, a.duplicate_of
        FROM articles a WHERE a.id = NEW.article_id)
    WHERE article_id = NEW.article_id AND tag_id = NEW.tag_id;
END;
-- A restore may write link rows before their article.
CREATE TRIGGER articles_new_list_keys AFTER INSERT ON articles BEGIN
    UPDATE article_authors SET lang = NEW.lang,
        listed_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END,
        duplicate_of = NEW.duplicate_of
    WHERE article_id = NEW.id;
    UPDATE article_tags SET lang = NEW.lang,
        listed_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END,
        duplicate_of = NEW.duplicate_of
    WHERE article_id = NEW.id;
END;
CREATE TRIGGER articles_list_keys AFTER UPDATE OF lang, status, published_at, duplicate_of ON articles
WHEN OLD.lang IS NOT NEW.lang OR OLD.status IS NOT NEW.status
  OR OLD.published_at IS NOT NEW.published_at OR OLD.duplicate_of IS NOT NEW.duplicate_of
BEGIN
    UPDATE article_authors SET lang = NEW.lang,
        listed_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END,
        duplicate_of = NEW.duplicate_of
    WHERE article_id = NEW.id;
    UPDATE article_tags SET lang = NEW.lang,
        listed_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END,
        duplicate_of = NEW.duplicate_of
    WHERE article_id = NEW.id;
END;
