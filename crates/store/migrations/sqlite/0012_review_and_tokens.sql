-- Personal tokens expire (tokens made before expiry existed get 90 days from now), and a
-- revision can be pending: a change to a published or scheduled article by someone who may
-- not publish it waits there, off the live article, until an editor applies or discards it.
ALTER TABLE personal_tokens ADD COLUMN expires_at INTEGER;
UPDATE personal_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 7776000
    WHERE expires_at IS NULL;
ALTER TABLE revisions ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX revisions_pending ON revisions (pending, article_id);
