-- make bench's "PostgreSQL alone" beside "articles, 20 newest, no-cache":
-- content-svc's statement for that page (articles_newest in
-- services/content-svc/article_store.c: the page and the kept total in one
-- statement), run by pgbench with -M prepared as content-svc runs it
-- prepared, in a session like content-svc's (search_path content, TimeZone
-- UTC). Keep it the same as the C.
\set per_page 20
\set off 0
SELECT a.id, a.slug, a.unit_id, a.title, a.summary, a.topic_ids, a.is_cchc, a.status,
       a.status_reason, a.author_id, a.version, a.created_at, a.updated_at, a.published_at,
       a.attachment_ids, coalesce((SELECT n FROM article_counts WHERE dim = 'all' AND key = 0), 0)
  FROM (SELECT * FROM articles a WHERE a.status = 'published'
         ORDER BY a.published_at DESC, a.id DESC
         LIMIT (SELECT :per_page::int) OFFSET (SELECT :off::int)) a
 ORDER BY a.published_at DESC, a.id DESC;
