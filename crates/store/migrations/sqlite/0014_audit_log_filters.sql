-- The newsroom's audit log page reads the log newest first, filtered by action, by member
-- or by kind of thing, a page at a time below an id: each filter walks its own index
-- backwards from the cursor instead of the whole table.
CREATE INDEX audit_log_action_id ON audit_log (action, id);
CREATE INDEX audit_log_user_id ON audit_log (user_id, id);
CREATE INDEX audit_log_entity_kind ON audit_log (entity, id);
