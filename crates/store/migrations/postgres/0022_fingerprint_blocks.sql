-- Near-duplicate candidates from the whole archive without reading every fingerprint
-- (multi-index hashing): each fingerprint is cut into four 16-bit blocks, and each block
-- is a row keyed by its position and value (block = position * 65536 + value). Two
-- fingerprints within 11 bits of each other have a block within 2 bits of each other, so
-- probing the 137 values within 2 bits of each of a story's four blocks finds every one.
-- The fingerprint rides along in the key's index so that the distance is checked on the
-- index alone (a heap read per candidate made a lookup on a million articles 100 ms), and the
-- first block's rows, by article, give the newest fingerprints of a language. Kept by the
-- trigger below whatever writes an article's fingerprint or language. (Articles are never
-- deleted, so the reference needs no index of its own.)
CREATE TABLE article_fingerprint_blocks (
    lang TEXT NOT NULL,
    block INTEGER NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    fingerprint BIGINT NOT NULL,
    PRIMARY KEY (lang, block, article_id) INCLUDE (fingerprint)
);

INSERT INTO article_fingerprint_blocks (lang, block, article_id, fingerprint)
SELECT a.lang, (k * 65536 + ((a.fingerprint >> (16 * k)) & 65535))::INTEGER, a.id, a.fingerprint
FROM articles a CROSS JOIN generate_series(0, 3) AS k
WHERE a.fingerprint IS NOT NULL;

CREATE INDEX article_fingerprint_blocks_newest ON article_fingerprint_blocks (lang, article_id, fingerprint)
    WHERE block < 65536;

CREATE FUNCTION arabpress_fingerprint_blocks() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.fingerprint IS NOT DISTINCT FROM NEW.fingerprint AND OLD.lang IS NOT DISTINCT FROM NEW.lang THEN
            RETURN NULL;
        END IF;
        IF OLD.fingerprint IS NOT NULL THEN
            DELETE FROM article_fingerprint_blocks
            WHERE lang = OLD.lang AND article_id = OLD.id AND block IN (
                SELECT (k * 65536 + ((OLD.fingerprint >> (16 * k)) & 65535))::INTEGER
                FROM generate_series(0, 3) AS k);
        END IF;
    END IF;
    IF NEW.fingerprint IS NOT NULL THEN
        INSERT INTO article_fingerprint_blocks (lang, block, article_id, fingerprint)
        SELECT NEW.lang, (k * 65536 + ((NEW.fingerprint >> (16 * k)) & 65535))::INTEGER,
               NEW.id, NEW.fingerprint
        FROM generate_series(0, 3) AS k;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_fingerprint_blocks AFTER INSERT OR UPDATE OF fingerprint, lang ON articles
    FOR EACH ROW EXECUTE FUNCTION arabpress_fingerprint_blocks();
