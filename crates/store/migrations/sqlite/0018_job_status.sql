-- What each node's background jobs last did, for the newsroom's queue page: one row per
-- node (host and process) and job, written when a round's outcome changes, when a round
-- runs long, and otherwise at most once a minute. Rows of nodes gone for a day are pruned.
CREATE TABLE job_status (
    node TEXT NOT NULL,
    job TEXT NOT NULL,
    running INTEGER NOT NULL DEFAULT 0,
    last_ok_at INTEGER,
    last_failed_at INTEGER,
    last_error TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (node, job)
);
