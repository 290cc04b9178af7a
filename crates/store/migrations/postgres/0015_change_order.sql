-- Every reader of the change feed (the nodes following it, the search index catching up)
-- reads ids in order and remembers the last one it applied: an id below it committed later
-- would never be read. A sequence hands ids out before commit, so two writers could commit
-- out of order; this lock, taken before the statement that adds change events draws its
-- ids and held until the transaction ends, makes change events commit in id order.
CREATE FUNCTION arabpress_changes_in_order() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(72677271);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER change_events_in_order BEFORE INSERT ON change_events
    FOR EACH STATEMENT EXECUTE FUNCTION arabpress_changes_in_order();
