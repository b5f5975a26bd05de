-- Search ranks its matches in tiers that a row answers by itself
-- (docs/api/content.md, docs/performance.md): the articles whose title holds
-- every word of the query first, then the other full-text matches, each
-- newest first. `title_tsv`, the folded title's words, answers the first
-- question on the row, so a page of the first tier is read down the
-- articles_published index until it is full, rather than ranking every
-- match. Idempotent.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS title_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', fold(title))) STORED;

-- The public search counts its matches among the published articles only:
-- this index holds just those, so the count checks no status on the row.
CREATE INDEX IF NOT EXISTS articles_published_search ON articles USING gin (search)
    WHERE status = 'published';
