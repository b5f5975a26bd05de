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
CREATE TRIGGER rules_audit AFTER INSERT OR UPDATE OR DELETE ON rules
    FOR EACH ROW EXECUTE FUNCTION audit.record('quota_rule', 'effective_from');
CREATE TRIGGER plans_audit AFTER INSERT OR UPDATE OR DELETE ON plans
    FOR EACH ROW EXECUTE FUNCTION audit.record('plan', 'id');
CREATE TRIGGER plan_activities_audit AFTER INSERT OR UPDATE OR DELETE ON plan_activities
    FOR EACH ROW EXECUTE FUNCTION audit.record('plan_activity', 'id');
CREATE TRIGGER activity_reports_audit AFTER INSERT OR UPDATE OR DELETE ON activity_reports
    FOR EACH ROW EXECUTE FUNCTION audit.record('activity_report', 'id');
