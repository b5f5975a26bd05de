-- Bags built in the background (media_bag_builder.c). A version is recorded
-- with its ninjs document and its bag `pending`; media-svc's builder (its
-- ticker) builds the bag once, stores its digests and marks it `ready`, or,
-- after LOA_BAG_BUILD_ATTEMPTS failures, `failed` with the reason. A
-- version's feed entries are released, and its package.published event
-- written, only once its bag is ready: a broadcaster reading the feed can
-- always fetch what it lists.
ALTER TABLE package_versions
    ALTER COLUMN bag_sha256 DROP NOT NULL,
    ALTER COLUMN bag_size DROP NOT NULL,
    ALTER COLUMN manifest_sha256 DROP NOT NULL,
    ALTER COLUMN manifest_size DROP NOT NULL,
    ADD COLUMN bag_state text NOT NULL DEFAULT 'ready'
        CHECK (bag_state IN ('pending', 'ready', 'failed')),
    ADD COLUMN bag_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN bag_next_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN bag_error text NOT NULL DEFAULT '',
    ADD CONSTRAINT package_versions_bag_ready CHECK (bag_state <> 'ready' OR (
        bag_sha256 IS NOT NULL AND bag_size IS NOT NULL AND manifest_sha256 IS NOT NULL
        AND manifest_size IS NOT NULL));
-- Rows made before this migration had their bag already; new ones wait.
ALTER TABLE package_versions ALTER COLUMN bag_state SET DEFAULT 'pending';
CREATE INDEX package_versions_bag_pending ON package_versions (bag_next_at)
    WHERE bag_state = 'pending';

-- feed_release as in 0003, but only for versions whose bag is ready.
CREATE OR REPLACE FUNCTION feed_release(b bigint) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    base bigint;
    n integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM feed_entries f JOIN package_versions v USING (package_id, version)
                   WHERE f.position IS NULL AND f.release_at <= now() AND v.bag_state = 'ready'
                   AND (b IS NULL OR f.broadcaster_id = b)) THEN
        RETURN 0;
    END IF;
    SELECT last INTO base FROM feed_counter FOR UPDATE;
    WITH due AS (
        SELECT f.broadcaster_id, f.package_id, f.version,
               row_number() OVER (ORDER BY f.release_at, f.package_id, f.version,
                                  f.broadcaster_id) AS rn
        FROM feed_entries f JOIN package_versions v USING (package_id, version)
        WHERE f.position IS NULL AND f.release_at <= now() AND v.bag_state = 'ready'
          AND (b IS NULL OR f.broadcaster_id = b))
    UPDATE feed_entries f SET position = base + due.rn FROM due
    WHERE f.broadcaster_id = due.broadcaster_id AND f.package_id = due.package_id
      AND f.version = due.version;
    GET DIAGNOSTICS n = ROW_COUNT;
    UPDATE feed_counter SET last = base + n;
    RETURN n;
END $$;

-- pubStatus withheld: content-svc's article.retracted (applied by the
-- subscriber) records a request here, keyed by the event's seq so that an
-- event applied twice (a replay, a --rebuild) asks once; the builder's
-- ticker then gives every live package of the article (its latest version
-- usable) a version `withheld`, and marks the request done (rows are kept:
-- they are what makes a replay ask nothing).
CREATE TABLE withhold_requests (
    event_seq  bigint PRIMARY KEY,
    article_id bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    done_at    timestamptz
);
CREATE INDEX withhold_requests_todo ON withhold_requests (event_seq) WHERE done_at IS NULL;

-- The orphan blob sweep (media_sweep.c) asks, for each old blob, whether a
-- bag or a manifest names it.
CREATE INDEX package_versions_bag_sha256 ON package_versions (bag_sha256);
CREATE INDEX package_versions_manifest_sha256 ON package_versions (manifest_sha256);
