-- A number that grows with every change to the published articles, in the
-- transaction of the change: a publication, a retraction, any write to a
-- row that is or was published, rows inserted, deleted or truncated
-- published. article_store keeps the public search's counts per query
-- while it has not moved (docs/performance.md), as feedback-svc keeps its
-- calendar by calendar_version. Idempotent.
CREATE TABLE IF NOT EXISTS articles_published_version (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL
);
INSERT INTO articles_published_version (version) VALUES (1) ON CONFLICT DO NOTHING;

-- Statement-level, after article_counts_* (triggers fire in name order),
-- so every writer takes the counters' rows, then this one: no deadlock.
CREATE OR REPLACE FUNCTION articles_published_bump() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  touched boolean := TG_OP = 'TRUNCATE';
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    touched := EXISTS (SELECT 1 FROM new_rows WHERE status = 'published');
  END IF;
  IF NOT touched AND TG_OP IN ('UPDATE', 'DELETE') THEN
    touched := EXISTS (SELECT 1 FROM old_rows WHERE status = 'published');
  END IF;
  IF touched THEN
    UPDATE articles_published_version SET version = version + 1;
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS articles_published_insert ON articles;
DROP TRIGGER IF EXISTS articles_published_update ON articles;
DROP TRIGGER IF EXISTS articles_published_delete ON articles;
DROP TRIGGER IF EXISTS articles_published_truncate ON articles;
CREATE TRIGGER articles_published_insert AFTER INSERT ON articles
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_published_bump();
CREATE TRIGGER articles_published_update AFTER UPDATE ON articles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_published_bump();
CREATE TRIGGER articles_published_delete AFTER DELETE ON articles
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_published_bump();
CREATE TRIGGER articles_published_truncate AFTER TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION articles_published_bump();
-- Whatever happened before these triggers existed: a version no process
-- has seen.
UPDATE articles_published_version SET version = version + 1;
