-- Near-duplicate candidates from the whole archive without reading every fingerprint
-- (multi-index hashing): each fingerprint is cut into four 16-bit blocks, and each block
-- is a row keyed by its position and value (block = position * 65536 + value). Two
-- fingerprints within 11 bits of each other have a block within 2 bits of each other, so
-- probing the 137 values within 2 bits of each of a story's four blocks finds every one.
-- The fingerprint rides along so that the distance is checked on this index alone, and the
-- first block's rows, by article, give the newest fingerprints of a language. Kept by the
-- triggers below whatever writes an article's fingerprint or language. (Articles are never
-- deleted, so the reference needs no index of its own.)
CREATE TABLE article_fingerprint_blocks (
    lang TEXT NOT NULL,
    block INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    fingerprint INTEGER NOT NULL,
    PRIMARY KEY (lang, block, article_id)
) WITHOUT ROWID;

INSERT INTO article_fingerprint_blocks (lang, block, article_id, fingerprint)
SELECT a.lang, k.k * 65536 + ((a.fingerprint >> (16 * k.k)) & 65535), a.id, a.fingerprint
FROM articles a, (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) k
WHERE a.fingerprint IS NOT NULL;

CREATE INDEX article_fingerprint_blocks_newest ON article_fingerprint_blocks (lang, article_id, fingerprint)
    WHERE block < 65536;

CREATE TRIGGER articles_fingerprint_blocks_insert AFTER INSERT ON articles
WHEN NEW.fingerprint IS NOT NULL
BEGIN
    INSERT INTO article_fingerprint_blocks (lang, block, article_id, fingerprint)
    SELECT NEW.lang, k.k * 65536 + ((NEW.fingerprint >> (16 * k.k)) & 65535), NEW.id, NEW.fingerprint
    FROM (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) k;
END;

CREATE TRIGGER articles_fingerprint_blocks_update AFTER UPDATE OF fingerprint, lang ON articles
WHEN NEW.fingerprint IS NOT OLD.fingerprint OR NEW.lang IS NOT OLD.lang
BEGIN
    DELETE FROM article_fingerprint_blocks
    WHERE lang = OLD.lang AND article_id = OLD.id AND block IN (
        SELECT k.k * 65536 + ((OLD.fingerprint >> (16 * k.k)) & 65535)
        FROM (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) k);
    INSERT INTO article_fingerprint_blocks (lang, block, article_id, fingerprint)
    SELECT NEW.lang, k.k * 65536 + ((NEW.fingerprint >> (16 * k.k)) & 65535), NEW.id, NEW.fingerprint
    FROM (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) k
    WHERE NEW.fingerprint IS NOT NULL;
END;
