-- Articles on the portal and their editorial workflow (docs/api/content.md):
-- draft -> in_review -> published | rejected -> (resubmit) in_review;
-- published -> retracted. Every step is a row of article_history.
CREATE TABLE articles (
    id             bigserial PRIMARY KEY,
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND slug !~ '^[0-9]+$'),
    unit_id        bigint NOT NULL REFERENCES units (id),
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    summary        text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    body           text NOT NULL CHECK (octet_length(body) <= 204800),
    body_html      text NOT NULL,
    topic_ids      bigint[] NOT NULL DEFAULT '{}',
    is_cchc        boolean NOT NULL DEFAULT false,
    attachment_ids bigint[] NOT NULL DEFAULT '{}',
    status         text NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'in_review', 'published', 'rejected', 'retracted')),
    status_reason  text NOT NULL DEFAULT '',
    author_id      bigint NOT NULL,
    version        bigint NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    published_at   timestamptz,
    CHECK ((status IN ('published', 'retracted')) = (published_at IS NOT NULL)),
    -- The folded title, stored: near-match search and ranking read it
    -- without running unaccent on every row.
    title_fold text GENERATED ALWAYS AS (fold(title)) STORED,
    -- Search: diacritic-folded words, the title weighing most (A), then the
    -- summary (B), then the body (C).
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', fold(title)), 'A') ||
        setweight(to_tsvector('simple', fold(summary)), 'B') ||
        setweight(to_tsvector('simple', fold(body)), 'C')) STORED
);

-- The public list: published, newest first.
CREATE INDEX articles_published ON articles (published_at DESC, id DESC) WHERE status = 'published';
-- Staff lists: a unit's articles by status.
CREATE INDEX articles_unit_status ON articles (unit_id, status, updated_at DESC);
CREATE INDEX articles_status ON articles (status, updated_at DESC);
CREATE INDEX articles_topics ON articles USING gin (topic_ids);
CREATE INDEX articles_search ON articles USING gin (search);
-- Near matches of a title (typos, partial words): pg_trgm.
CREATE INDEX articles_title_trgm ON articles USING gin (title_fold public.gin_trgm_ops);

CREATE TABLE article_history (
    id          bigserial PRIMARY KEY,
    article_id  bigint NOT NULL REFERENCES articles (id),
    action      text NOT NULL
                CHECK (action IN ('created', 'updated', 'submitted', 'published', 'rejected', 'retracted')),
    from_status text NOT NULL DEFAULT '',
    to_status   text NOT NULL,
    actor_id    bigint NOT NULL,
    reason      text NOT NULL DEFAULT '',
    version     bigint NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX article_history_article ON article_history (article_id, id);

-- The slug of a title: slugify() (services/common/sql/0000_search.sql),
-- never empty and never all digits (those are ids in /articles/{id or slug}).
CREATE FUNCTION article_slug(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN s = '' THEN 'bai-viet' WHEN s ~ '^[0-9]+$' THEN 'bai-viet-' || s ELSE s END
  FROM (SELECT slugify(t) AS s) x
$$;
