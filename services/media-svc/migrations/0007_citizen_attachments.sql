-- Citizens' attachments to feedback (issue 20, item 3;
-- docs/decisions/0030-citizen-attachments.md): a private kind of asset. The
-- bytes are blobs of the media volume like any asset's (written by the
-- gateway's streaming upload, named under the same lock, swept by the same
-- orphan sweep), but the rows are apart from `assets`: their ids are never
-- an asset's, so /api/v1/assets/{id} and articles can never reach them, and
-- the same bytes sent twice are two attachments (each claimable once).
CREATE TABLE citizen_attachments (
    id          bigserial PRIMARY KEY,
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size        bigint NOT NULL CHECK (size > 0),
    mime        text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'application/pdf')),
    client_addr text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- The feedback item (feedback-svc's id) that used it; NULL: none yet,
    -- removed by the sweep after LOA_ATTACHMENT_UNUSED_S.
    feedback_id bigint,
    claimed_at  timestamptz
);
CREATE INDEX citizen_attachments_sha256 ON citizen_attachments (sha256);
CREATE INDEX citizen_attachments_unused ON citizen_attachments (created_at)
    WHERE feedback_id IS NULL;
