-- The newsroom finds an article by any part of its headline: a trigram index (FTS5's
-- trigram tokenizer over the articles' own headlines, stored once) answers from the letters
-- asked for instead of reading every headline of the archive. The triggers keep it in step
-- with whatever writes an article.
CREATE VIRTUAL TABLE article_headlines USING fts5(
    headline, content = 'articles', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO article_headlines (article_headlines) VALUES ('rebuild');
CREATE TRIGGER articles_headline_new AFTER INSERT ON articles BEGIN
    INSERT INTO article_headlines (rowid, headline) VALUES (NEW.id, NEW.headline);
END;
CREATE TRIGGER articles_headline_gone AFTER DELETE ON articles BEGIN
    INSERT INTO article_headlines (article_headlines, rowid, headline)
    VALUES ('delete', OLD.id, OLD.headline);
END;
CREATE TRIGGER articles_headline_edited AFTER UPDATE OF headline ON articles
WHEN OLD.headline IS NOT NEW.headline BEGIN
    INSERT INTO article_headlines (article_headlines, rowid, headline)
    VALUES ('delete', OLD.id, OLD.headline);
    INSERT INTO article_headlines (rowid, headline) VALUES (NEW.id, NEW.headline);
END;

-- A contributor's own articles, newest change first, and their count; and the articles a
-- removed member had created.
CREATE INDEX articles_created_by ON articles (created_by, updated_at, id);
