-- The audit trail (decision 0031, docs/api/audit.md): every change of these
-- tables' rows is recorded by audit.record() in the same transaction, with
-- the caller the program named (loa_audit.h). 0000_audit.sql checked that
-- db-init made it.
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
