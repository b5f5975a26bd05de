-- Corrections of published articles (docs/decisions/0032-article-revisions.md).
-- A correction is a revision: a row of articles of its own, revision_of the
-- published article it corrects, written, submitted and reviewed by the same
-- workflow as any article. Published, its text replaces the article's (same
-- id, slug and published_at) and the revision's status becomes `applied`.
-- Every text the public has seen is kept in article_texts.
ALTER TABLE articles ADD COLUMN revision_of bigint REFERENCES articles (id);
-- A revision's note (the editor's why); on an article, its last correction's.
ALTER TABLE articles ADD COLUMN note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000);
ALTER TABLE articles ADD COLUMN corrected_at timestamptz;

ALTER TABLE articles DROP CONSTRAINT articles_status_check;
ALTER TABLE articles ADD CONSTRAINT articles_status_check
    CHECK (status IN ('draft', 'in_review', 'published', 'rejected', 'retracted', 'applied'));
-- A revision is never public itself; only a revision is ever `applied`.
ALTER TABLE articles ADD CONSTRAINT articles_revision_status
    CHECK ((revision_of IS NULL AND status <> 'applied')
           OR (revision_of IS NOT NULL AND status IN ('draft', 'in_review', 'rejected', 'applied')));
-- One unfinished revision per article at a time.
CREATE UNIQUE INDEX articles_open_revision ON articles (revision_of)
    WHERE status IN ('draft', 'in_review', 'rejected');

ALTER TABLE article_history DROP CONSTRAINT article_history_action_check;
ALTER TABLE article_history ADD CONSTRAINT article_history_action_check
    CHECK (action IN ('created', 'updated', 'submitted', 'published', 'rejected', 'retracted',
                      'corrected'));

-- Every text an article has had in public, 1 for its first publication,
-- then one per correction.
CREATE TABLE article_texts (
    article_id   bigint NOT NULL REFERENCES articles (id),
    n            integer NOT NULL CHECK (n >= 1),
    title        text NOT NULL,
    summary      text NOT NULL,
    body         text NOT NULL,
    body_html    text NOT NULL,
    topic_ids    bigint[] NOT NULL,
    published_at timestamptz NOT NULL,  -- when this text went public
    published_by bigint NOT NULL,       -- the reviewer
    revision_id  bigint REFERENCES articles (id), -- NULL: the first publication
    note         text NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, n)
);

-- The articles published before this migration: their text as their first.
INSERT INTO article_texts (article_id, n, title, summary, body, body_html, topic_ids,
                           published_at, published_by)
SELECT a.id, 1, a.title, a.summary, a.body, a.body_html, a.topic_ids, a.published_at,
       coalesce((SELECT h.actor_id FROM article_history h
                  WHERE h.article_id = a.id AND h.action = 'published' ORDER BY h.id LIMIT 1), 0)
  FROM articles a WHERE a.published_at IS NOT NULL;
