-- Where imported content came from (a WordPress or Ghost site, an arabpress archive), so
-- importing the same file again finds what it made instead of making it twice.
CREATE TABLE import_map (
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (source, kind, source_id)
);
