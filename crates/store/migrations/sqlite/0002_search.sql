-- Near-duplicate grouping: each article's SimHash of headline and body, and the earliest
-- article it duplicates (public lists show a duplicate only while that one is not public).
ALTER TABLE articles ADD COLUMN fingerprint BIGINT;
ALTER TABLE articles ADD COLUMN duplicate_of INTEGER REFERENCES articles (id) ON DELETE SET NULL;
CREATE INDEX articles_duplicate_of ON articles (duplicate_of);
CREATE INDEX change_events_entity ON change_events (entity, id);
