-- Notices are found by a near match of their title too (issue 21 item 5,
-- decision 0041): a query with a typo ("thong bao duong day nong" typed
-- "thong bao duong day nongg") finds the notice as articles' and
-- procedures' searches do. The trigram index on the folded title serves
-- notices.list's word-similarity test (catalog_store.c). Idempotent.
CREATE INDEX IF NOT EXISTS notices_title_trgm ON notices USING gin (fold(title) public.gin_trgm_ops);
