-- published_attachments holds only assets that exist (issue 16): an id an
-- article names before any upload takes it must not make that future upload
-- public. content-svc refuses such ids when an article is written, but the
-- events of older articles, or of any other writer, may still carry them;
-- media_store_apply_article now inserts only ids found in assets, and the
-- foreign key holds whatever writes here. Rows naming no asset are dropped
-- first (nothing public can be lost: they name no bytes).
DELETE FROM published_attachments p
 WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.id = p.asset_id);
ALTER TABLE published_attachments
    ADD CONSTRAINT published_attachments_asset_fkey
    FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE;
