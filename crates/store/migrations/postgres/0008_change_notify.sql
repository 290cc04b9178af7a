-- Wakes the nodes following the change feed: each new change event is announced on the
-- channel `arabpress_changes` when its transaction commits. Nodes still read the feed by
-- id, so a notification missed while a node was down or reconnecting loses nothing.
CREATE FUNCTION arabpress_announce_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('arabpress_changes', NEW.id::text);
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER change_events_announce AFTER INSERT ON change_events
    FOR EACH ROW EXECUTE FUNCTION arabpress_announce_change();
