-- Where a job that follows the change feed once for the whole site (not once per node)
-- stands. The CDN purge sends the surrogate keys of the changes after `position` and only
-- then moves it on, so a change whose purge was never sent (a process killed between the
-- commit and the request, a hook that failed) is sent by the next round, on any node. A
-- change event is written in the same transaction as its change, so none is missed.
-- `locked_until` is the lease of the node sending now. It starts at the feed's end: what
-- changed before the purge existed is not sent.
CREATE TABLE feed_positions (
    job TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    locked_until INTEGER
);
INSERT INTO feed_positions (job, position) SELECT 'purge', COALESCE(MAX(id), 0) FROM change_events;

-- The surrogate keys last purged for each article: its next change purges them as well as
-- its keys then, so the section, tags and authors it left are purged with those it has.
CREATE TABLE purged_keys (
    article_id INTEGER PRIMARY KEY,
    keys TEXT NOT NULL
);
