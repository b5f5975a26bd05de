-- Files of staff attached to plan activity reports (issue 20, item 7;
-- docs/decisions/0034-report-attachments.md): a second kind of the private
-- attachments citizens' files began (0007, decision 0030): the same blobs,
-- lock, upload path and sweep, ids never an asset's. The table is renamed
-- for what it now holds.
ALTER TABLE citizen_attachments RENAME TO private_attachments;
ALTER INDEX citizen_attachments_sha256 RENAME TO private_attachments_sha256;
ALTER TABLE private_attachments
    -- feedback: a citizen's (claimed by feedback-svc for an item);
    -- report: a member of staff's (claimed by quota-svc for a report).
    ADD COLUMN kind text NOT NULL DEFAULT 'feedback' CHECK (kind IN ('feedback', 'report')),
    -- The member of staff who uploaded a report's file (the gateway's user id).
    ADD COLUMN uploaded_by bigint,
    -- The report (quota-svc's activity_reports.id) that uses it; NULL: none yet.
    ADD COLUMN report_id bigint,
    ADD CONSTRAINT private_attachments_owner CHECK (
        (kind = 'feedback' AND report_id IS NULL) OR
        (kind = 'report' AND feedback_id IS NULL AND uploaded_by IS NOT NULL));
DROP INDEX citizen_attachments_unused;
CREATE INDEX private_attachments_unused ON private_attachments (created_at)
    WHERE feedback_id IS NULL AND report_id IS NULL;
