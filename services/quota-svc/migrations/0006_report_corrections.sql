-- Corrections and withdrawal of plan activity reports (issue 20): a report
-- counts a version, and who corrected or withdrew it last; every earlier
-- text is kept in activity_report_versions, written in the same statement
-- as the correction (plan_store.c, "report_correct").
ALTER TABLE activity_reports
    ADD COLUMN version         integer NOT NULL DEFAULT 1 CHECK (version > 0),
    ADD COLUMN updated_at      timestamptz,
    ADD COLUMN updated_by      bigint,
    ADD COLUMN withdrawn_at    timestamptz,
    ADD COLUMN withdrawn_by    bigint,
    ADD COLUMN withdraw_reason text;

CREATE TABLE activity_report_versions (
    report_id      bigint NOT NULL REFERENCES activity_reports (id) ON DELETE CASCADE,
    version        integer NOT NULL,
    done_on        date NOT NULL,
    description    text NOT NULL,
    evidence_links text[] NOT NULL,
    attachment_ids bigint[] NOT NULL,
    written_by     bigint NOT NULL,
    written_at     timestamptz NOT NULL,
    replaced_by    bigint NOT NULL,
    replaced_at    timestamptz NOT NULL DEFAULT now(),
    reason         text NOT NULL,
    PRIMARY KEY (report_id, version)
);
