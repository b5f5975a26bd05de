-- Packages for broadcasters (docs/api/media.md, second slice).

-- The text of published articles, from content-svc's article.published
-- (and forgotten on article.retracted): what a package's ninjs carries.
CREATE TABLE published_articles (
    article_id   bigint PRIMARY KEY,
    unit_id      bigint NOT NULL DEFAULT 0,
    slug         text NOT NULL DEFAULT '',
    title        text NOT NULL,
    summary      text NOT NULL DEFAULT '',
    body         text NOT NULL DEFAULT '',
    body_html    text NOT NULL DEFAULT '',
    published_at text NOT NULL DEFAULT '',
    event_seq    bigint NOT NULL
);

-- A package: one article for some broadcasters; its uri never changes.
CREATE TABLE packages (
    id          bigserial PRIMARY KEY,
    article_id  bigint NOT NULL,
    uri         text NOT NULL UNIQUE,
    created_by  bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE package_broadcasters (
    package_id     bigint NOT NULL REFERENCES packages,
    broadcaster_id bigint NOT NULL REFERENCES broadcasters,
    PRIMARY KEY (package_id, broadcaster_id)
);
CREATE INDEX package_broadcasters_b ON package_broadcasters (broadcaster_id);

-- Versions are immutable: the ninjs document's text and the bag (a blob on
-- the media volume, by its SHA-256) are made once, when the row is.
CREATE TABLE package_versions (
    package_id      bigint NOT NULL REFERENCES packages,
    version         integer NOT NULL CHECK (version >= 1),
    pub_status      text NOT NULL CHECK (pub_status IN ('usable', 'withheld', 'canceled')),
    embargo_until   timestamptz,
    note            text NOT NULL DEFAULT '',
    ninjs           text NOT NULL,
    ninjs_sha256    text NOT NULL,
    bag_sha256      text NOT NULL CHECK (bag_sha256 ~ '^[0-9a-f]{64}$'),
    bag_size        bigint NOT NULL,
    manifest_sha256 text NOT NULL CHECK (manifest_sha256 ~ '^[0-9a-f]{64}$'),
    manifest_size   bigint NOT NULL,
    created_by      bigint NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (package_id, version)
);

-- A version's renditions: data/renditions/<name> in the bag and
-- .../files/<name> over HTTP; the name is made here, never taken from a client.
CREATE TABLE package_files (
    package_id bigint NOT NULL,
    version    integer NOT NULL,
    name       text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9.-]{0,99}$'),
    asset_id   bigint NOT NULL REFERENCES assets,
    position   integer NOT NULL,
    PRIMARY KEY (package_id, version, name),
    FOREIGN KEY (package_id, version) REFERENCES package_versions
);

-- The feed: one entry per version and broadcaster. `position` is given
-- when the entry is released (at once, or at the embargo's end for a
-- broadcaster whose policy is hide), by feed_release below, under the lock
-- of feed_counter's one row, so positions become visible in their order:
-- a reader who sees position n has seen every position below it.
CREATE TABLE feed_entries (
    broadcaster_id bigint NOT NULL REFERENCES broadcasters,
    package_id     bigint NOT NULL,
    version        integer NOT NULL,
    release_at     timestamptz NOT NULL,
    position       bigint UNIQUE,
    PRIMARY KEY (broadcaster_id, package_id, version),
    FOREIGN KEY (package_id, version) REFERENCES package_versions
);
CREATE INDEX feed_entries_pos ON feed_entries (broadcaster_id, position);
CREATE INDEX feed_entries_due ON feed_entries (release_at) WHERE position IS NULL;

CREATE TABLE feed_counter (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    last bigint NOT NULL
);
INSERT INTO feed_counter VALUES (true, 0);

-- Gives positions to the entries due by now (of broadcaster b, or of all
-- when b is NULL), in release order. The counter's row lock is held until
-- the transaction ends, so another transaction's positions come after
-- this one's commit. The number of entries released.
CREATE FUNCTION feed_release(b bigint) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    base bigint;
    n integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM feed_entries WHERE position IS NULL AND release_at <= now()
                   AND (b IS NULL OR broadcaster_id = b)) THEN
        RETURN 0;
    END IF;
    SELECT last INTO base FROM feed_counter FOR UPDATE;
    WITH due AS (
        SELECT broadcaster_id, package_id, version,
               row_number() OVER (ORDER BY release_at, package_id, version, broadcaster_id) AS rn
        FROM feed_entries
        WHERE position IS NULL AND release_at <= now() AND (b IS NULL OR broadcaster_id = b))
    UPDATE feed_entries f SET position = base + due.rn FROM due
    WHERE f.broadcaster_id = due.broadcaster_id AND f.package_id = due.package_id
      AND f.version = due.version;
    GET DIAGNOSTICS n = ROW_COUNT;
    UPDATE feed_counter SET last = base + n;
    RETURN n;
END $$;

-- Every download a broadcaster made (logged by the gateway once sent).
CREATE TABLE downloads (
    id             bigserial PRIMARY KEY,
    broadcaster_id bigint NOT NULL,
    package_id     bigint NOT NULL,
    version        integer NOT NULL,
    what           text NOT NULL CHECK (what IN ('bag', 'file', 'manifest')),
    name           text NOT NULL DEFAULT '',
    bytes          bigint NOT NULL,
    complete       boolean NOT NULL,
    status         integer NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX downloads_package ON downloads (package_id, broadcaster_id);

-- Receipts: one per broadcaster and version (a repeat answers the first).
CREATE TABLE receipts (
    broadcaster_id bigint NOT NULL,
    package_id     bigint NOT NULL,
    version        integer NOT NULL,
    status         text NOT NULL CHECK (status IN ('received', 'failed')),
    sha256         text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (broadcaster_id, package_id, version),
    FOREIGN KEY (package_id, version) REFERENCES package_versions
);
