-- The queue of work that follows a change: one row per job kind and subject (the speaking
-- of article 42 is ('speak', 42)), written in the same transaction as the change, so a
-- process killed right after the commit loses nothing. A second change before the job runs
-- finds the row and moves it: one round does the work of both. `generation` counts those
-- changes, so a worker that finishes a round begun before the last one keeps the row for
-- another. A worker leases due rows (`claim`, `locked_until`); a failed round is retried
-- at its new `run_at` and keeps the reason in `last_error`. Due rows are taken by
-- `priority` (0: asked for by a change; 1: a backlog, such as an archive's articles that
-- were never spoken), then oldest first.
CREATE TABLE job_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    subject INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 0,
    claim TEXT,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, subject)
);
CREATE INDEX job_queue_due ON job_queue (kind, priority, run_at, id);

-- The published articles without audio, or whose audio is older than their words, wait to
-- be spoken (they were found by reading every article before).
INSERT INTO job_queue (kind, subject, run_at, priority, attempts, last_error, created_at)
SELECT 'speak', a.id, COALESCE(x.retry_at, 0), 1, COALESCE(x.failures, 0), x.error, 0
FROM articles a LEFT JOIN article_audio x ON x.article_id = a.id
WHERE a.status = 'published' AND (x.article_id IS NULL OR x.seen_version <> a.version OR x.sha IS NULL);

-- Webhook deliveries are queued here too (the subject is the delivery's row, which stays the
-- log of its attempts); those waiting are moved over, and the rows' own lease goes.
INSERT INTO job_queue (kind, subject, run_at, attempts, last_error, created_at)
SELECT 'webhooks', id, next_attempt_at, attempts, last_error, created_at
FROM webhook_deliveries WHERE status = 'queued';
DROP INDEX webhook_deliveries_due;
ALTER TABLE webhook_deliveries DROP COLUMN locked_until;
