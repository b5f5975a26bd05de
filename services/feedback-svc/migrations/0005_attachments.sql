-- Citizens' attachments (issue 20, item 3;
-- docs/decisions/0030-citizen-attachments.md): media-svc keeps the bytes
-- and the upload's row, and gives them to one item when it is filed
-- (attachments.claim); feedback-svc keeps what it needs to let staff who
-- may see the item read them: the type, the size, the blob's digest.
CREATE TABLE feedback_attachments (
    id          bigint PRIMARY KEY,            -- media-svc's citizen_attachments.id
    feedback_id bigint NOT NULL REFERENCES feedback (id),
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    mime        text NOT NULL,
    size        bigint NOT NULL
);
CREATE INDEX feedback_attachments_item ON feedback_attachments (feedback_id, id);
