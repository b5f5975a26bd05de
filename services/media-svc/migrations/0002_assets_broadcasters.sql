-- Assets: the bytes are on the media volume (LOA_MEDIA_DIR/sha256/ab/cd/<hex>),
-- written by the gateway; the same bytes are one asset (sha256 unique).
-- Packages (next slice) refer to assets and broadcasters by id:
--   packages (id, article_id, uri), package_versions (package_id, version,
--   pub_status, embargo_until, ninjs, bag_sha256, ...), package_assets
--   (package_id, version, asset_id), package_broadcasters (package_id,
--   broadcaster_id), downloads and receipts (broadcaster_id, package_id,
--   version, ...).
CREATE TABLE assets (
    id            bigserial PRIMARY KEY,
    sha256        text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size          bigint NOT NULL CHECK (size >= 0),
    mime          text NOT NULL CHECK (mime ~ '^[a-z]+/[a-z0-9.+-]+$'),
    original_name text NOT NULL DEFAULT '' CHECK (length(original_name) <= 255),
    created_by    bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Which assets published articles carry, from content-svc's
-- article.published / article.retracted events: an asset is public while a
-- published article lists it.
CREATE TABLE published_attachments (
    article_id bigint NOT NULL,
    asset_id   bigint NOT NULL,
    event_seq  bigint NOT NULL,
    PRIMARY KEY (article_id, asset_id)
);
CREATE INDEX published_attachments_asset ON published_attachments (asset_id);

-- Broadcasters (radio-TV, newspapers, portals) that pull packages. Their API
-- key lives with the gateway's auth (gateway.api_keys, kind broadcaster,
-- stored hashed); here only its id, by which a key's calls find their
-- broadcaster.
CREATE TABLE broadcasters (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind           text NOT NULL CHECK (kind IN ('tv', 'radio', 'newspaper', 'portal', 'other')),
    embargo_policy text NOT NULL CHECK (embargo_policy IN ('deliver', 'hide')),
    api_key_id     bigint UNIQUE,
    active         boolean NOT NULL DEFAULT true,
    created_by     bigint NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
