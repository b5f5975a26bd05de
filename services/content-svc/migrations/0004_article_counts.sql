-- The totals of the public article list, kept instead of counted
-- (docs/performance.md): how many articles are published, overall, per unit,
-- per topic and per CCHC flag. articles.list reads its `total` here when it
-- filters on at most one of these, rather than counting every published row
-- on every page. Triggers on articles keep the rows exact in the transaction
-- of each write (publication, retraction, an edit of a published article's
-- unit, topics or flag, rows inserted, deleted or truncated by hand or by a
-- restore).
-- Idempotent: run again, it recomputes the counts from the rows.
CREATE TABLE IF NOT EXISTS article_counts (
    dim text NOT NULL CHECK (dim IN ('all', 'unit', 'topic', 'cchc')),
    -- 0 for 'all'; the unit's or the topic's id; 1 or 0 for the CCHC flag.
    key bigint NOT NULL,
    -- (no CHECK (n >= 0): an INSERT ... ON CONFLICT checks the proposed
    -- row, here a negative delta, before it finds the conflict)
    n   bigint NOT NULL,
    PRIMARY KEY (dim, key)
);

-- The counters a published article adds to: one per dimension, one per
-- distinct topic (an article counts once in a topic, as topic_ids @> does).
CREATE OR REPLACE FUNCTION article_count_keys(unit_id bigint, topic_ids bigint[], is_cchc boolean)
RETURNS TABLE (dim text, key bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 'all', 0::bigint
  UNION ALL SELECT 'unit', unit_id
  UNION ALL SELECT 'cchc', CASE WHEN is_cchc THEN 1 ELSE 0 END::bigint
  UNION ALL SELECT DISTINCT 'topic', t FROM unnest(topic_ids) AS t
$$;

-- One statement-level trigger per event, over its transition tables, so a
-- bulk load costs one pass. Rows are changed in (dim, key) order, the same
-- in every transaction: two publications wait for each other on the
-- counter they share, and never deadlock. A change that leaves a counter as
-- it was (an edit of a draft, a published article's summary) touches none.
-- Its search_path is this schema's (FROM CURRENT: the one this migration
-- runs with), so a write from a session with another path, e.g. a psql
-- UPDATE content.articles, finds article_counts.
CREATE OR REPLACE FUNCTION article_counts_apply() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO article_counts AS c (dim, key, n)
    SELECT k.dim, k.key, count(*)
      FROM new_rows r, article_count_keys(r.unit_id, r.topic_ids, r.is_cchc) k
     WHERE r.status = 'published'
     GROUP BY k.dim, k.key ORDER BY k.dim, k.key
    ON CONFLICT (dim, key) DO UPDATE SET n = c.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO article_counts AS c (dim, key, n)
    SELECT k.dim, k.key, sum(d.delta)
      FROM (SELECT r.unit_id, r.topic_ids, r.is_cchc, 1 AS delta
              FROM new_rows r WHERE r.status = 'published'
            UNION ALL
            SELECT r.unit_id, r.topic_ids, r.is_cchc, -1
              FROM old_rows r WHERE r.status = 'published') d,
           article_count_keys(d.unit_id, d.topic_ids, d.is_cchc) k
     GROUP BY k.dim, k.key HAVING sum(d.delta) <> 0 ORDER BY k.dim, k.key
    ON CONFLICT (dim, key) DO UPDATE SET n = c.n + excluded.n;
  ELSE
    INSERT INTO article_counts AS c (dim, key, n)
    SELECT k.dim, k.key, -count(*)
      FROM old_rows r, article_count_keys(r.unit_id, r.topic_ids, r.is_cchc) k
     WHERE r.status = 'published'
     GROUP BY k.dim, k.key ORDER BY k.dim, k.key
    ON CONFLICT (dim, key) DO UPDATE SET n = c.n + excluded.n;
  END IF;
  RETURN NULL;
END
$$;

-- TRUNCATE articles (by hand: it fires no row or DELETE trigger) empties
-- the counts.
CREATE OR REPLACE FUNCTION article_counts_clear() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM article_counts;
  RETURN NULL;
END
$$;

-- No article is written while the counts are rebuilt: the lock is held to
-- the end of this migration's transaction, when the triggers take over.
LOCK TABLE articles IN SHARE ROW EXCLUSIVE MODE;

DROP TRIGGER IF EXISTS article_counts_insert ON articles;
DROP TRIGGER IF EXISTS article_counts_update ON articles;
DROP TRIGGER IF EXISTS article_counts_delete ON articles;
DROP TRIGGER IF EXISTS article_counts_truncate ON articles;
CREATE TRIGGER article_counts_insert AFTER INSERT ON articles
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION article_counts_apply();
CREATE TRIGGER article_counts_update AFTER UPDATE ON articles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION article_counts_apply();
CREATE TRIGGER article_counts_delete AFTER DELETE ON articles
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION article_counts_apply();
CREATE TRIGGER article_counts_truncate AFTER TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION article_counts_clear();

DELETE FROM article_counts;
INSERT INTO article_counts (dim, key, n)
SELECT k.dim, k.key, count(*)
  FROM articles a, article_count_keys(a.unit_id, a.topic_ids, a.is_cchc) k
 WHERE a.status = 'published'
 GROUP BY k.dim, k.key;
