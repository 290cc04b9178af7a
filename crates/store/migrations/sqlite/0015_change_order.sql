-- PostgreSQL makes change events commit in id order with a lock; SQLite has one writer at
-- a time, so its ids commit in order already. Nothing to do here.
SELECT 1;
