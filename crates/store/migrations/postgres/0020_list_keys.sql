-- Tag and author pages list an article through its link row. Each link row carries the
-- article's list keys (its language, its publication time while it is published, its
-- near-duplicate link), kept by the triggers below whatever writes the article, so that
-- counting an author's fifty thousand articles and skipping to a deep page of them read
-- one index and never the articles themselves.
ALTER TABLE article_authors ADD COLUMN lang TEXT, ADD COLUMN listed_at BIGINT, ADD COLUMN duplicate_of BIGINT;
ALTER TABLE article_tags ADD COLUMN lang TEXT, ADD COLUMN listed_at BIGINT, ADD COLUMN duplicate_of BIGINT;

UPDATE article_authors x SET lang = a.lang,
    listed_at = CASE WHEN a.status = 'published' THEN a.published_at END, duplicate_of = a.duplicate_of
FROM articles a WHERE a.id = x.article_id;
UPDATE article_tags x SET lang = a.lang,
    listed_at = CASE WHEN a.status = 'published' THEN a.published_at END, duplicate_of = a.duplicate_of
FROM articles a WHERE a.id = x.article_id;

CREATE INDEX article_authors_listed ON article_authors (author_id, lang, listed_at, article_id, duplicate_of);
CREATE INDEX article_tags_listed ON article_tags (tag_id, lang, listed_at, article_id, duplicate_of);
DROP INDEX article_authors_author;
DROP INDEX article_tags_tag;

-- A new link row takes its article's keys.
CREATE FUNCTION arabpress_link_keys() RETURNS trigger AS $$
BEGIN
    SELECT a.lang, CASE WHEN a.status = 'published' THEN a.published_at END, a.duplicate_of
    INTO NEW.lang, NEW.listed_at, NEW.duplicate_of
    FROM articles a WHERE a.id = NEW.article_id;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER article_authors_keys BEFORE INSERT ON article_authors
    FOR EACH ROW EXECUTE FUNCTION arabpress_link_keys();
CREATE TRIGGER article_tags_keys BEFORE INSERT ON article_tags
    FOR EACH ROW EXECUTE FUNCTION arabpress_link_keys();

-- An article whose keys change passes them to its link rows.
CREATE FUNCTION arabpress_article_list_keys() RETURNS trigger AS $$
BEGIN
    UPDATE article_authors SET lang = NEW.lang,
        listed_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END,
        duplicate_of = NEW.duplicate_of
    WHERE article_id = NEW.id;
    UPDATE article_tags SET lang = NEW.lang,
        listed_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END,
        duplicate_of = NEW.duplicate_of
    WHERE article_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_list_keys AFTER UPDATE OF lang, status, published_at, duplicate_of ON articles
    FOR EACH ROW WHEN (OLD.lang IS DISTINCT FROM NEW.lang OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.published_at IS DISTINCT FROM NEW.published_at
        OR OLD.duplicate_of IS DISTINCT FROM NEW.duplicate_of)
    EXECUTE FUNCTION arabpress_article_list_keys();
