-- An article page reads its published translations by translation group, status and date
-- together: with the group alone in an index, a planner without statistics on the table
-- (a new site, or PostgreSQL before its first analyse) preferred to walk every public
-- article by status and date. It replaces articles_translation (translation_group), whose
-- other readers its first column serves.
CREATE INDEX articles_translation_public ON articles (translation_group, status, published_at);
DROP INDEX articles_translation;
