-- The newsletter: subscribers, the sends a newsroom makes, and the outbox (one row per
-- message: the queue, the lease that makes one worker its sender, and the log).
CREATE TABLE site_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    langs TEXT NOT NULL,
    lists TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    unsubscribed_at INTEGER,
    confirm_sent_at INTEGER
);
CREATE INDEX subscribers_status ON subscribers (status, id);

CREATE TABLE signup_attempts (
    ip TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX signup_attempts_ip ON signup_attempts (ip, at);

CREATE TABLE sends (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    lang TEXT NOT NULL,
    list TEXT NOT NULL,
    subject TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    article_ids TEXT NOT NULL,
    html TEXT,
    body_text TEXT,
    status TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    queued_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX sends_recent ON sends (created_at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    send_id INTEGER REFERENCES sends (id) ON DELETE CASCADE,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claim TEXT,
    claim_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    UNIQUE (send_id, subscriber_id)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_send ON outbox (send_id, status);
