-- make bench's "PostgreSQL alone" beside "article by slug, no-cache":
-- content-svc's article_by_slug (services/content-svc/article_store.c), run
-- by pgbench with -M prepared in a session like content-svc's (search_path
-- content, TimeZone UTC; the slug comes with -D slug=...). Keep it the same
-- as the C.
SELECT a.id, a.slug, a.unit_id, a.title, a.summary, a.topic_ids, a.is_cchc, a.status,
       a.status_reason, a.author_id, a.version, a.created_at, a.updated_at, a.published_at,
       a.attachment_ids, a.body, a.body_html
  FROM articles a WHERE a.slug = :slug;
