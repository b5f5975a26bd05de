-- The audit trail (decision 0031, docs/api/audit.md): every change of these
-- tables' rows is recorded by audit.record() in the same transaction, with
-- the caller the program named (loa_audit.h). 0000_audit.sql checked that
-- db-init made it.
CREATE TRIGGER units_audit AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH ROW EXECUTE FUNCTION audit.record('unit', 'id');
CREATE TRIGGER articles_audit AFTER INSERT OR UPDATE OR DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION audit.record('article', 'id', '-body_html', '-search', '-title_fold');
CREATE TRIGGER notices_audit AFTER INSERT OR UPDATE OR DELETE ON notices
    FOR EACH ROW EXECUTE FUNCTION audit.record('notice', 'id', '-body_html', '-search');
CREATE TRIGGER procedures_audit AFTER INSERT OR UPDATE OR DELETE ON procedures
    FOR EACH ROW EXECUTE FUNCTION audit.record('procedure', 'id', '-search');
