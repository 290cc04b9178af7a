-- The spoken version of each article: the MP3 in the media store (`/media/{sha}/spoken.mp3`)
-- and what it says (script_hash: the same text is not spoken twice), with the job that
-- makes it: the article version last looked at, a claim so one node works on an article at
-- a time, and the last failure with when to try again.
CREATE TABLE article_audio (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    sha TEXT,
    bytes INTEGER,
    duration_ms INTEGER,
    script_hash TEXT,
    made_at INTEGER,
    seen_version INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at INTEGER,
    claim TEXT,
    claim_until INTEGER
);
