-- The audit trail (decision 0031, docs/api/audit.md): every change of these
-- tables' rows is recorded by audit.record() in the same transaction, with
-- the caller the program named (loa_audit.h). 0000_audit.sql checked that
-- db-init made it.
CREATE TRIGGER rules_audit AFTER INSERT OR UPDATE OR DELETE ON rules
    FOR EACH ROW EXECUTE FUNCTION audit.record('quota_rule', 'effective_from');
CREATE TRIGGER plans_audit AFTER INSERT OR UPDATE OR DELETE ON plans
    FOR EACH ROW EXECUTE FUNCTION audit.record('plan', 'id');
CREATE TRIGGER plan_activities_audit AFTER INSERT OR UPDATE OR DELETE ON plan_activities
    FOR EACH ROW EXECUTE FUNCTION audit.record('plan_activity', 'id');
CREATE TRIGGER activity_reports_audit AFTER INSERT OR UPDATE OR DELETE ON activity_reports
    FOR EACH ROW EXECUTE FUNCTION audit.record('activity_report', 'id');
