-- Quota tallies, built only from content-svc's article.published and
-- article.retracted events: one row per article that was ever published,
-- counted in the month (Asia/Ho_Chi_Minh) of its first publication unless
-- retracted. event_seq: the content event that last changed the row (an
-- older one changes nothing).
CREATE TABLE articles (
    article_id bigint PRIMARY KEY,
    unit_id    bigint NOT NULL,
    month      text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    is_cchc    boolean NOT NULL,
    retracted  boolean NOT NULL,
    event_seq  bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_month_unit ON articles (month, unit_id);

-- The counts per unit and month derive from the articles, never stored apart
-- (nothing to drift).
CREATE VIEW unit_month_tallies AS
SELECT unit_id, month,
       count(*) FILTER (WHERE NOT retracted) AS articles,
       count(*) FILTER (WHERE NOT retracted AND is_cchc) AS cchc_articles
FROM articles GROUP BY unit_id, month;

-- The rules with their history: a month's rule is the row with the greatest
-- effective_from not after it (YYYY-MM compares as text).
CREATE TABLE rules (
    effective_from    text PRIMARY KEY CHECK (effective_from ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    min_articles      integer NOT NULL CHECK (min_articles >= 0),
    min_cchc_articles integer NOT NULL CHECK (min_cchc_articles >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        bigint NOT NULL DEFAULT 0
);
INSERT INTO rules (effective_from, min_articles, min_cchc_articles) VALUES ('2022-01', 4, 1);
