-- PostgreSQL announces change events to the nodes following the feed; a SQLite site has
-- one node, which applies its own changes as it makes them. Nothing to do here.
SELECT 1;
