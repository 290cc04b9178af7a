-- Reads counted without tracking: how often each article was read in each hour (the hour's
-- first UTC second), from a beacon its page sends; no cookie, address or user agent is
-- kept. Every node adds its counts to the same rows. The domains readers came from, per
-- article and hour, for the newsroom's figures (the domain only: no path or query).
CREATE TABLE article_reads (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    hour INTEGER NOT NULL,
    reads INTEGER NOT NULL,
    PRIMARY KEY (article_id, hour)
);
CREATE INDEX article_reads_hour ON article_reads (hour);

CREATE TABLE referrer_reads (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    hour INTEGER NOT NULL,
    domain TEXT NOT NULL,
    reads INTEGER NOT NULL,
    PRIMARY KEY (article_id, hour, domain)
);
CREATE INDEX referrer_reads_hour ON referrer_reads (hour);
