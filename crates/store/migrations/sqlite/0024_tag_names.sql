-- The newsroom's tag list and the editor's tag suggestions read a language's tags by name:
-- a page of twenty thousand tags starts at its cursor in this index and stops after a page
-- (a search checks the names it walks), instead of sorting every tag of the language.
CREATE INDEX tags_name ON tags (lang, name, id);
