-- Files of staff attached to plan activity reports (issue 20, item 7;
-- docs/decisions/0034-report-attachments.md). media-svc keeps the bytes and
-- the upload's row and gives each file to one report (attachments.claim);
-- quota-svc keeps what it needs to let staff read it: the type, the size,
-- the blob's digest. A report names its files in attachment_ids (and its
-- earlier versions theirs); a file stays readable while any version names it.
CREATE TABLE report_attachments (
    id        bigint PRIMARY KEY,             -- media-svc's private_attachments.id
    report_id bigint NOT NULL REFERENCES activity_reports (id),
    sha256    text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    mime      text NOT NULL,
    size      bigint NOT NULL CHECK (size > 0)
);
CREATE INDEX report_attachments_report ON report_attachments (report_id, id);
