-- The audit trail (decision 0031, docs/api/audit.md): every change of these
-- tables' rows is recorded by audit.record() (made by db-init, owned by
-- loa_audit) in the same transaction, with the caller the program named
-- (loa_audit.h): who, when, from where, which action, and the fields'
-- before and after (secrets hidden, derived columns left out).
DO $$
BEGIN
    IF to_regprocedure('audit.record()') IS NULL THEN
        RAISE EXCEPTION 'the audit trail (schema audit) is missing: run loa-admin db-init, which makes it';
    END IF;
END
$$;
-- The citizen's personal details are never copied into the trail: only
-- that they changed.
CREATE TRIGGER feedback_audit AFTER INSERT OR UPDATE OR DELETE ON feedback
    FOR EACH ROW EXECUTE FUNCTION audit.record('feedback', 'id', '-search', '-answer_search',
        '*submitter_name', '*submitter_address', '*submitter_phone', '*submitter_email',
        '*submitter_org', '*phone_digits', '*email_lower');
CREATE TRIGGER calendar_days_audit AFTER INSERT OR UPDATE OR DELETE ON calendar_days
    FOR EACH ROW EXECUTE FUNCTION audit.record('calendar_day', 'date');
CREATE TRIGGER deadline_rules_audit AFTER INSERT OR UPDATE OR DELETE ON deadline_rules
    FOR EACH ROW EXECUTE FUNCTION audit.record('deadline_rule', 'id');
